using System.Globalization;
using System.Security;
using System.Text;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// throughput.svg: grouped bars (KvCluster, etcd, Redis) per workload and value size, each size's trivial-endpoint
/// ceiling as a dashed line over that size's groups. Plain SVG, so rsvg-convert or ImageMagick turn it into the PNG.
/// </summary>
public static class ThroughputChart
{
    private const int Width = 1280;
    private const int Height = 640;
    private const int Left = 90;
    private const int Right = 30;
    private const int Top = 70;
    private const int Bottom = 110;
    private static readonly string[] Colors = ["#2b6cb0", "#dd6b20", "#718096"];

    public static string Render(ComparisonResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var cells = results.Cells;
        var groups = cells.Where(cell => cell.Target != "trivial").Select(cell => cell.Workload.ValueSize).Distinct().Order()
            .SelectMany(size => Scenarios.Compared.Select(scenario => (Scenario: scenario, Size: size)))
            .Where(group => Scenarios.Systems.Any(system => ComparisonBuilder.Find(cells, system, group.Scenario, group.Size) is not null))
            .ToArray();
        double top = NiceCeiling(cells.Select(cell => cell.Throughput).DefaultIfEmpty(1).Max() * 1.08);

        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"DejaVu Sans, Arial, sans-serif\">"));
        svg.AppendLine(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"30\" font-size=\"20\" text-anchor=\"middle\" font-weight=\"bold\">Throughput, operations per second (higher is better)</text>"));
        svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"52\" font-size=\"13\" text-anchor=\"middle\" fill=\"#444\">{Escape(Subtitle(results))}</text>"));

        double plotWidth = Width - Left - Right;
        double plotHeight = Height - Top - Bottom;
        double Y(double value) => Top + plotHeight - value / top * plotHeight;

        // Grid and axis labels.
        for (int tick = 0; tick <= 5; tick++)
        {
            double value = top * tick / 5;
            double y = Y(value);
            svg.AppendLine(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#e2e8f0\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{Left - 8}\" y=\"{y + 4:0.#}\" font-size=\"12\" text-anchor=\"end\">{Short(value)}</text>"));
        }

        double groupWidth = groups.Length == 0 ? plotWidth : plotWidth / groups.Length;
        double barWidth = groupWidth * 0.8 / Scenarios.Systems.Count;
        for (int g = 0; g < groups.Length; g++)
        {
            double groupLeft = Left + g * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < Scenarios.Systems.Count; s++)
            {
                var cell = ComparisonBuilder.Find(cells, Scenarios.Systems[s], groups[g].Scenario, groups[g].Size);
                if (cell is null) continue;
                double x = groupLeft + s * barWidth;
                double y = Y(cell.Throughput);
                svg.AppendLine(Invariant($"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barWidth - 2:0.#}\" height=\"{Top + plotHeight - y:0.#}\" fill=\"{Colors[s]}\"/>"));
                svg.AppendLine(Invariant($"<text x=\"{x + barWidth / 2 - 1:0.#}\" y=\"{y - 4:0.#}\" font-size=\"11\" text-anchor=\"middle\">{Short(cell.Throughput)}</text>"));
            }
            double center = Left + g * groupWidth + groupWidth / 2;
            svg.AppendLine(Invariant($"<text x=\"{center:0.#}\" y=\"{Top + plotHeight + 20:0.#}\" font-size=\"13\" text-anchor=\"middle\">{Escape(groups[g].Scenario)}</text>"));
            svg.AppendLine(Invariant($"<text x=\"{center:0.#}\" y=\"{Top + plotHeight + 38:0.#}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#444\">{Scenarios.SizeName(groups[g].Size)}</text>"));
        }
        svg.AppendLine(Invariant($"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Width - Right}\" y2=\"{Top + plotHeight}\" stroke=\"#222\"/>"));

        // Each value size's ceiling spans that size's groups: the trivial endpoint answered bodies of that size.
        foreach (int size in groups.Select(group => group.Size).Distinct())
        {
            if (ComparisonBuilder.Find(cells, "trivial", Scenarios.Trivial, size) is not { } ceiling) continue;
            double from = Left + Array.FindIndex(groups, group => group.Size == size) * groupWidth;
            double to = Left + (Array.FindLastIndex(groups, group => group.Size == size) + 1) * groupWidth;
            double y = Y(ceiling.Throughput);
            svg.AppendLine(Invariant($"<line x1=\"{from:0.#}\" y1=\"{y:0.#}\" x2=\"{to:0.#}\" y2=\"{y:0.#}\" stroke=\"#c53030\" stroke-width=\"2\" stroke-dasharray=\"8 6\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{to - 4:0.#}\" y=\"{y - 6:0.#}\" font-size=\"12\" text-anchor=\"end\" fill=\"#c53030\">trivial endpoint, {Scenarios.SizeName(size)} answers: {Short(ceiling.Throughput)}/s</text>"));
        }

        // Legend below the axis labels.
        double legendX = Left;
        double legendY = Height - 35;
        for (int s = 0; s < Scenarios.Systems.Count; s++)
        {
            svg.AppendLine(Invariant($"<rect x=\"{legendX:0.#}\" y=\"{legendY - 12:0.#}\" width=\"16\" height=\"16\" fill=\"{Colors[s]}\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{legendX + 22:0.#}\" y=\"{legendY + 1:0.#}\" font-size=\"14\">{Escape(Legend(Scenarios.Systems[s]))}</text>"));
            legendX += 330;
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Legend(string system) => system switch
    {
        "kvcluster" => "KvCluster (3 nodes + coordinator + Redis)",
        "etcd" => "etcd 3.4 (3 members, HTTP/JSON gateway)",
        "redis" => "Redis alone (XADD / GET)",
        _ => system,
    };

    private static string Subtitle(ComparisonResults results)
    {
        var sample = results.Cells.FirstOrDefault();
        int rounds = MedianRound.MostRounds(results.Rounds);
        string cell = rounds > 1
            ? Invariant($"median of {rounds} rounds of {sample?.Workload.DurationSeconds:0.#} s per cell")
            : Invariant($"{sample?.Workload.DurationSeconds:0.#} s per cell");
        string load = sample is null ? "" : Invariant($"{sample.Workload.Connections} connections, closed loop, {cell}; ");
        return load + Invariant($"{results.Machine.Processors} cores, everything on one machine, {results.GeneratedAt:yyyy-MM-dd}");
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in (double[])[1, 2, 2.5, 5, 10])
        {
            if (step * magnitude >= value) return step * magnitude;
        }
        return 10 * magnitude;
    }

    private static string Short(double value) => value switch
    {
        >= 1_000_000 => Invariant($"{value / 1_000_000:0.#}M"),
        >= 10_000 => Invariant($"{value / 1000:0}k"),
        >= 1000 => Invariant($"{value / 1000:0.#}k"),
        _ => Invariant($"{value:0}"),
    };

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
