using KvCluster.Bench.Reporting;
using KvCluster.Bench.Running;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// Pairs the cell reports of a before/after run (scripts/bench-compare.sh) into one <see cref="RevisionCell"/> per
/// workload and value size: base's and head's rounds of a cell ran next to each other, etcd's between them.
/// </summary>
public static class RevisionComparison
{
    public static IReadOnlyList<RevisionCell> Build(IReadOnlyList<BenchReport> baseRounds, IReadOnlyList<BenchReport> headRounds,
        IReadOnlyList<BenchReport> etcdRounds)
    {
        ArgumentNullException.ThrowIfNull(baseRounds);
        ArgumentNullException.ThrowIfNull(headRounds);
        ArgumentNullException.ThrowIfNull(etcdRounds);
        var cells = new List<RevisionCell>();
        var keys = baseRounds.Concat(headRounds).Select(Key).Distinct()
            .OrderBy(key => key.ValueSize).ThenBy(key => OrderOf(key.Scenario)).ThenBy(key => key.Scenario, StringComparer.Ordinal);
        foreach (var (scenario, size) in keys)
        {
            var before = RoundsOf(baseRounds, scenario, size);
            var after = RoundsOf(headRounds, scenario, size);
            var etcd = RoundsOf(etcdRounds, scenario, size);
            var processes = before.Concat(after).SelectMany(round => round.ProcessCosts.Select(cost => cost.Process)).Distinct();
            cells.Add(new RevisionCell
            {
                Scenario = scenario,
                ValueSize = size,
                Rounds = (before.Count, after.Count),
                Throughput = RevisionChange.Between(before, after, round => round.Throughput),
                P50 = RevisionChange.Between(before, after, round => Latency(round)?.P50),
                P99 = RevisionChange.Between(before, after, round => Latency(round)?.P99),
                CpuPerOperation = RevisionChange.Between(before, after, ClusterCpu),
                ProcessCpu = processes.ToDictionary(process => process, process => RevisionChange.Between(before, after,
                    round => round.ProcessCosts.FirstOrDefault(cost => cost.Process == process)?.CpuMicrosecondsPerOperation)),
                OverEtcd = (Paired(before, etcd, round => round.Throughput), Paired(after, etcd, round => round.Throughput)),
                // Inverted so that above 1 means KvCluster ahead, as every other ratio here.
                EtcdP99Over = (Paired(etcd, before, round => Latency(round)?.P99), Paired(etcd, after, round => Latency(round)?.P99)),
                EtcdThroughput = RevisionChange.Median(etcd.Select(round => (double?)round.Throughput)),
                RoundThroughputs = (Throughputs(before), Throughputs(after), Throughputs(etcd)),
                Errors = (Errors(before), Errors(after), Errors(etcd)),
            });
        }
        return cells;
    }

    // A cell with no successful operation has no latency to speak of (its percentiles read 0).
    private static Measurement.LatencySummary? Latency(BenchReport round) => round.Latency.Count > 0 ? round.Latency : null;

    /// <summary>The CPU per operation of every watched process but the load generator, or null when only the load generator was read.</summary>
    public static double? ClusterCpu(BenchReport round)
    {
        ArgumentNullException.ThrowIfNull(round);
        var cluster = round.ProcessCosts.Where(cost => cost.Process != ProcessWatch.LoadGenerator).ToArray();
        return cluster.Length == 0 ? null : cluster.Sum(cost => cost.CpuMicrosecondsPerOperation);
    }

    private static double? Paired(IReadOnlyList<BenchReport> numerator, IReadOnlyList<BenchReport> denominator, Func<BenchReport, double?> measure)
    {
        var ratios = new List<double?>();
        for (int k = 0; k < Math.Min(numerator.Count, denominator.Count); k++)
        {
            ratios.Add(measure(numerator[k]) is { } above && measure(denominator[k]) is > 0 and var below ? above / below : null);
        }
        return RevisionChange.Median(ratios);
    }

    private static IReadOnlyList<BenchReport> RoundsOf(IReadOnlyList<BenchReport> rounds, string scenario, int size) =>
        [.. rounds.Where(round => Key(round) == (scenario, size)).OrderBy(round => round.StartedAt)];

    private static double[] Throughputs(IReadOnlyList<BenchReport> rounds) => [.. rounds.Select(round => round.Throughput)];

    private static long Errors(IReadOnlyList<BenchReport> rounds) => rounds.Sum(round => round.Errors + round.PrefillErrors);

    private static (string Scenario, int ValueSize) Key(BenchReport report) => (report.Workload.Scenario, report.Workload.ValueSize);

    private static int OrderOf(string scenario)
    {
        int index = Scenarios.Compared.ToList().IndexOf(scenario);
        return index < 0 ? int.MaxValue : index;
    }
}
