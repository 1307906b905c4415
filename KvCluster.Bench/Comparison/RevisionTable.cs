using System.Globalization;
using System.Text;
using KvCluster.Bench.Reporting;
using KvCluster.Bench.Running;

namespace KvCluster.Bench.Comparison;

/// <summary>comparison.md of a before/after run (scripts/bench-compare.sh): what moved between two builds, cell by cell.</summary>
public static class RevisionTable
{
    public static string Render(IReadOnlyList<RevisionCell> cells, string baseLabel, string headLabel, BenchReport? sample)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# KvCluster before and after: {baseLabel} → {headLabel}"));
        md.AppendLine();
        md.Append(Invariant($"Run of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, everything on 127.0.0.1. "));
        if (sample is not null)
        {
            var w = sample.Workload;
            md.Append(Invariant($"Each round of a cell: closed loop, {w.Connections} connections, {w.Keys:N0} keys drawn {w.Distribution.ToString().ToLowerInvariant()}ly, ") +
                Invariant($"{w.WarmupSeconds:0.#} s warmup then {w.DurationSeconds:0.#} s measured. "));
        }
        md.AppendLine("Both builds ran at once as two 3-node KvClusters, etcd (3 members, HTTP/JSON gateway) beside them; within a round a " +
            "workload ran on base, etcd and head in turn, the order of the two builds swapping every round.");
        md.AppendLine();
        md.AppendLine("Each entry is base → head: each side's median over its rounds, and in brackets the change, the median of the " +
            "round-by-round changes (head's round k against base's round k, which ran next to it). Higher throughput is better; " +
            "lower latency and CPU are. CPU is every KvCluster process's CPU time in the measured window over the operations in it " +
            "(nodes, coordinator, Redis and its AOF rewrites; the load generator is listed apart below). ÷ etcd is KvCluster's " +
            "throughput over etcd's, round by round, then the median.");
        md.AppendLine();
        md.AppendLine("| workload | value | rounds | ops/s | p50 ms | p99 ms | CPU µs/op | ops/s ÷ etcd |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var cell in cells)
        {
            md.AppendLine(Invariant($"| {cell.Scenario} | {Scenarios.SizeName(cell.ValueSize)} | {Rounds(cell)} | {Entry(cell.Throughput, "N0")} | ") +
                Invariant($"{Entry(cell.P50, "0.00")} | {Entry(cell.P99, "0.00")} | {Entry(cell.CpuPerOperation, "0.0")} | ") +
                Invariant($"{Ratio(cell.OverEtcd.Base)} → {Ratio(cell.OverEtcd.Head)} |"));
        }

        md.AppendLine();
        md.AppendLine("## Against etcd");
        md.AppendLine();
        md.AppendLine("etcd's median round; KvCluster's throughput over etcd's and etcd's p99 over KvCluster's (above 1: KvCluster ahead), " +
            "each the median of the rounds' ratios.");
        md.AppendLine();
        md.AppendLine("| workload | value | etcd ops/s | base ÷ etcd | head ÷ etcd | etcd p99 ÷ base p99 | etcd p99 ÷ head p99 |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var cell in cells)
        {
            md.AppendLine(Invariant($"| {cell.Scenario} | {Scenarios.SizeName(cell.ValueSize)} | {Number(cell.EtcdThroughput, "N0")} | ") +
                Invariant($"{Ratio(cell.OverEtcd.Base)} | {Ratio(cell.OverEtcd.Head)} | {Ratio(cell.EtcdP99Over.Base)} | {Ratio(cell.EtcdP99Over.Head)} |"));
        }

        AppendProcessCpu(md, cells);
        AppendRounds(md, cells);

        md.AppendLine();
        md.AppendLine("## Errors");
        md.AppendLine();
        var failing = cells.Where(cell => cell.Errors != (0, 0, 0)).ToArray();
        if (failing.Length == 0) md.AppendLine("None: every request of every round succeeded, prefills included.");
        foreach (var cell in failing)
        {
            md.AppendLine(Invariant($"- {cell.Scenario} {Scenarios.SizeName(cell.ValueSize)}: base {cell.Errors.Base:N0}, head {cell.Errors.Head:N0}, ") +
                Invariant($"etcd {cell.Errors.Etcd:N0} failed requests over all rounds (the cells' reports give them by kind)."));
        }
        return md.ToString();
    }

    private static void AppendProcessCpu(StringBuilder md, IReadOnlyList<RevisionCell> cells)
    {
        // The load generator first: it is the same program on both sides, so a move there is the machine's, not the build's.
        var processes = cells.SelectMany(cell => cell.ProcessCpu.Keys).Distinct()
            .OrderBy(process => process == ProcessWatch.LoadGenerator ? 0 : 1).ThenBy(process => process, StringComparer.Ordinal).ToArray();
        if (processes.Length == 0) return;
        md.AppendLine();
        md.AppendLine("## CPU per operation, by process");
        md.AppendLine();
        md.AppendLine("µs of CPU per operation, base → head, each side's median over its rounds.");
        md.AppendLine();
        md.AppendLine("| workload | value | " + string.Join(" | ", processes) + " |");
        md.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---:|", processes.Length)));
        foreach (var cell in cells)
        {
            md.Append(Invariant($"| {cell.Scenario} | {Scenarios.SizeName(cell.ValueSize)} |"));
            foreach (string process in processes)
            {
                var cpu = cell.ProcessCpu.GetValueOrDefault(process, RevisionChange.None);
                md.Append(Invariant($" {Number(cpu.Base, "0.0")} → {Number(cpu.Head, "0.0")} |"));
            }
            md.AppendLine();
        }
    }

    private static void AppendRounds(StringBuilder md, IReadOnlyList<RevisionCell> cells)
    {
        md.AppendLine();
        md.AppendLine("## Every round");
        md.AppendLine();
        md.AppendLine("Throughput of each round in ops/s, in the order they ran, and head's change against base's round next to it.");
        md.AppendLine();
        md.AppendLine("| workload | value | base | head | change | etcd |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var cell in cells)
        {
            var (before, after, etcd) = cell.RoundThroughputs;
            md.AppendLine(Invariant($"| {cell.Scenario} | {Scenarios.SizeName(cell.ValueSize)} | {List(before)} | {List(after)} | ") +
                Invariant($"{string.Join(" · ", cell.Throughput.RoundChanges.Select(Percent))} | {List(etcd)} |"));
        }
    }

    private static string Rounds(RevisionCell cell) =>
        cell.Rounds.Base == cell.Rounds.Head ? Invariant($"{cell.Rounds.Base}") : Invariant($"{cell.Rounds.Base} / {cell.Rounds.Head}");

    private static string Entry(RevisionChange change, string format) =>
        $"{Number(change.Base, format)} → {Number(change.Head, format)} ({Percent(change.Change)})";

    private static string Percent(double? change) => change switch
    {
        null => "–",
        // The sign always shown, and a true minus sign, so a column of changes reads at a glance.
        >= 0 => Invariant($"+{change * 100:0.0} %"),
        _ => Invariant($"−{-change * 100:0.0} %"),
    };

    private static string List(IReadOnlyList<double> values) =>
        values.Count == 0 ? "–" : string.Join(" · ", values.Select(value => Invariant($"{value:N0}")));

    private static string Ratio(double? ratio) => ratio is { } r ? Invariant($"{r:0.00}×") : "–";

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
