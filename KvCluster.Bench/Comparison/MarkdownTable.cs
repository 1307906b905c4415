using System.Globalization;
using System.Text;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>results.md: the side-by-side table, the issue's targets as ratios, and any errors.</summary>
public static class MarkdownTable
{
    public static string Render(ComparisonResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var cells = results.Cells;
        var md = new StringBuilder();
        var sample = cells.FirstOrDefault(cell => cell.Target == "kvcluster") ?? cells.FirstOrDefault();
        md.AppendLine("# KvCluster side by side with etcd and Redis");
        md.AppendLine();
        md.AppendLine(Invariant($"Run of {results.GeneratedAt:yyyy-MM-dd HH:mm} UTC on {results.Machine.Processors} cores, {results.Machine.Os}, {results.Machine.Runtime}. ") +
            "Everything (servers and load generator) on this one machine, over 127.0.0.1.");
        if (sample is not null)
        {
            var w = sample.Workload;
            md.AppendLine(Invariant($"Each cell: closed loop, {w.Connections} connections, {w.Keys:N0} keys drawn {w.Distribution.ToString().ToLowerInvariant()}ly, ") +
                Invariant($"{w.WarmupSeconds:0.#} s warmup then {w.DurationSeconds:0.#} s measured. KvCluster: 3 nodes + coordinator + Redis; ") +
                "etcd: 3 members through the v3 HTTP/JSON gateway; Redis: one redis-server, XADD for writes, GET for reads.");
            int rounds = MedianRound.MostRounds(results.Rounds);
            if (rounds > 1)
            {
                md.AppendLine(Invariant($"Each cell ran {rounds} times, the rounds of a workload taking turns between the systems; the tables show each cell's ") +
                    "median round by throughput (every round is listed at the end), and each ratio is the median of the rounds' ratios, a round of KvCluster " +
                    "over the round of the other system that ran next to it, so a slow or fast spell of the machine moves no ratio on its own.");
            }
            if (results.SystemWarmupSeconds > 0)
            {
                md.AppendLine(Invariant($"Before its first cell each system had {results.SystemWarmupSeconds:0.#} s of unmeasured load (half reads, half writes; reads for the trivial endpoint), ") +
                    "so the cells measure warm processes: .NET's tiered JIT takes tens of seconds to settle when two cores are busy.");
            }
        }
        md.AppendLine();
        md.AppendLine("Throughput in operations per second; latency p50 / p99 in milliseconds.");
        md.AppendLine();
        md.AppendLine("| workload | value | KvCluster ops/s | p50 / p99 | etcd ops/s | p50 / p99 | Redis ops/s | p50 / p99 | KvCluster ÷ etcd |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int size in cells.Where(cell => cell.Target != "trivial").Select(cell => cell.Workload.ValueSize).Distinct().Order())
        {
            foreach (string scenario in Scenarios.Compared)
            {
                var row = Scenarios.Systems.Select(system => ComparisonBuilder.Find(cells, system, scenario, size)).ToArray();
                if (row.All(cell => cell is null)) continue;
                md.Append(Invariant($"| {scenario} | {Scenarios.SizeName(size)} |"));
                foreach (var cell in row) md.Append(Invariant($" {Throughput(cell)} | {Latency(cell)} |"));
                md.AppendLine($" {Ratio(PairedRatio.Median(PairedRatio.PerRound(results.Rounds, row[0], row[1], cell => cell.Throughput)))} |");
            }
        }
        var trivials = cells.Where(cell => cell.Target == "trivial" && cell.Workload.Scenario == Scenarios.Trivial)
            .OrderBy(cell => cell.Workload.ValueSize).ToList();
        if (trivials.Count > 0)
        {
            md.AppendLine();
            var measured = trivials.Select(trivial => Invariant(
                $"next to {Scenarios.SizeName(trivial.Workload.ValueSize)}: **{trivial.Throughput:N0} ops/s**, p50 / p99 {Latency(trivial)} ms"));
            md.AppendLine("Trivial endpoint ceiling (one Kestrel process answering GET / with a constant body of the value size, same connections), " +
                "measured right after KvCluster's local reads of each value size: " + string.Join("; ", measured) + ".");
        }

        md.AppendLine();
        md.AppendLine("## Targets of issue 7");
        md.AppendLine();
        md.AppendLine("| target | value | goal | KvCluster | reference | ratio | each round | met |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
        foreach (var goal in results.Goals)
        {
            string eachRound = goal.RoundRatios.Count == 0 ? "–" : string.Join(" · ", goal.RoundRatios.Select(r => Invariant($"{r:0.00}")));
            md.AppendLine(Invariant($"| {goal.Name} | {Scenarios.SizeName(goal.ValueSize)} | {goal.Goal} | {Number(goal.KvCluster)} | {Number(goal.Reference)} | ") +
                Invariant($"{Ratio(goal.Ratio)} | {eachRound} | {(goal.Met ? "yes" : "**no**")} |"));
        }
        md.AppendLine();
        md.AppendLine("KvCluster and reference are the two cells' median rounds. Ratios are KvCluster over the reference (for latency, the reference's " +
            "p99 over KvCluster's), so above 1 is KvCluster ahead; each round's ratio divides two cells that ran next to each other, and the " +
            "target's ratio is the median of those.");

        if (results.Memory is { } memory)
        {
            md.AppendLine();
            md.AppendLine("## Memory per key");
            md.AppendLine();
            md.AppendLine(Invariant($"{memory.Keys:N0} keys of {memory.KeyLength} characters with {memory.ValueSize} B values in one node's state machine: ") +
                Invariant($"**{memory.BytesPerKey:0} B of managed heap per key**, {memory.OverheadPerKey:0} B beyond the value bytes."));
            md.AppendLine();
            md.AppendLine("| part | bytes per key |");
            md.AppendLine("|---|---:|");
            foreach (var (part, bytes) in memory.Breakdown) md.AppendLine(Invariant($"| {part} | {bytes:0} |"));
        }

        ProcessCostTable.Append(md, cells);
        if (MedianRound.MostRounds(results.Rounds) > 1) AppendRounds(md, results);

        var failing = results.Rounds.Where(cell => cell.Errors > 0 || cell.PrefillErrors > 0).ToArray();
        md.AppendLine();
        md.AppendLine("## Errors");
        md.AppendLine();
        if (failing.Length == 0)
        {
            md.AppendLine("None: every request in every measured window of every round succeeded.");
        }
        foreach (var cell in failing)
        {
            string kinds = string.Join(", ", cell.ErrorsByKind.Select(pair => Invariant($"{pair.Value:N0} × {pair.Key}")));
            md.AppendLine(Invariant($"- {Scenarios.DisplayName(cell.Target)} {cell.Workload.Scenario} {Scenarios.SizeName(cell.Workload.ValueSize)}: ") +
                Invariant($"{cell.Errors:N0} errors in the window ({kinds}); {cell.PrefillErrors:N0} during prefill."));
        }
        return md.ToString();
    }

    private static void AppendRounds(StringBuilder md, ComparisonResults results)
    {
        md.AppendLine();
        md.AppendLine("## Every round");
        md.AppendLine();
        md.AppendLine("Throughput of each round in ops/s, in the order they ran; the median, which the tables use, in bold.");
        md.AppendLine();
        md.AppendLine("| workload | value | KvCluster | etcd | Redis | trivial endpoint |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (int size in results.Cells.Select(cell => cell.Workload.ValueSize).Distinct().Order())
        {
            foreach (string scenario in Scenarios.Compared.Append(Scenarios.Trivial))
            {
                var row = Scenarios.Systems.Append("trivial")
                    .Select(system => ComparisonBuilder.Find(results.Cells, system, scenario, size))
                    .ToArray();
                if (row.All(cell => cell is null)) continue;
                md.Append(Invariant($"| {scenario} | {Scenarios.SizeName(size)} |"));
                foreach (var median in row) md.Append($" {RoundList(results, median)} |");
                md.AppendLine();
            }
        }
    }

    private static string RoundList(ComparisonResults results, BenchReport? median) => median is null
        ? "–"
        : string.Join(" · ", MedianRound.RoundsOf(results.Rounds, median)
            .Select(round => ReferenceEquals(round, median) ? Invariant($"**{round.Throughput:N0}**") : Invariant($"{round.Throughput:N0}")));

    private static string Throughput(BenchReport? cell) => cell is null ? "–" : Invariant($"{cell.Throughput:N0}");

    private static string Latency(BenchReport? cell) => cell is null ? "–" : Invariant($"{cell.Latency.P50:0.00} / {cell.Latency.P99:0.00}");

    private static string Ratio(double? ratio) => ratio is { } r ? Invariant($"{r:0.00}×") : "–";

    private static string Number(double? value) => value switch
    {
        null => "–",
        >= 100 => Invariant($"{value:N0}"),
        _ => Invariant($"{value:0.00}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
