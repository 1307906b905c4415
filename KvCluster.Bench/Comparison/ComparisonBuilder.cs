using System.Runtime.InteropServices;
using System.Text.Json;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>Collects the cell reports of one run and computes the ratios against the targets of issue 7.</summary>
public static class ComparisonBuilder
{
    /// <summary>
    /// The comparison of a run from every round it measured: each cell is its <see cref="MedianRound"/>, and each
    /// target's ratio the median of the ratios of rounds that ran next to each other (<see cref="PairedRatio"/>).
    /// </summary>
    public static ComparisonResults Build(IReadOnlyList<BenchReport> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var cells = MedianRound.Of(rounds);
        var goals = new List<GoalResult>();
        foreach (int size in cells.Select(cell => cell.Workload.ValueSize).Distinct().Order())
        {
            goals.Add(ThroughputGoal(rounds, cells, "writes vs etcd", Scenarios.Write, size, "etcd", Scenarios.Write, minimum: 4));
            goals.Add(ThroughputGoal(rounds, cells, "linearizable reads vs etcd", Scenarios.ReadLinearizable, size, "etcd", Scenarios.ReadLinearizable, minimum: 5));
            goals.Add(ThroughputGoal(rounds, cells, "local reads vs trivial endpoint", Scenarios.ReadLocal, size, "trivial", Scenarios.Trivial, minimum: 0.7));
            goals.Add(WriteLatencyGoal(rounds, cells, size));
        }
        return new ComparisonResults
        {
            GeneratedAt = DateTimeOffset.UtcNow,
            Machine = new MachineDescription(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription),
            Goals = goals,
            Cells = cells,
            Rounds = rounds,
        };
    }

    /// <summary>Reads every *.json cell report (one per round) in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<BenchReport> ReadCells(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(path =>
            JsonSerializer.Deserialize(File.ReadAllText(path), BenchJsonContext.Default.BenchReport)
                ?? throw new InvalidDataException($"{path} holds no report."))];

    /// <summary>
    /// The report of <paramref name="system"/> for <paramref name="scenario"/> at <paramref name="valueSize"/>. The trivial
    /// endpoint's cell of a size answered bodies of that size, so no other size's ceiling stands in for it.
    /// </summary>
    public static BenchReport? Find(IReadOnlyList<BenchReport> cells, string system, string scenario, int valueSize) =>
        cells.FirstOrDefault(cell => cell.Target == system && cell.Workload.Scenario == scenario && cell.Workload.ValueSize == valueSize);

    private static GoalResult ThroughputGoal(IReadOnlyList<BenchReport> rounds, IReadOnlyList<BenchReport> cells, string name, string scenario,
        int size, string referenceSystem, string referenceScenario, double minimum)
    {
        var ours = Find(cells, "kvcluster", scenario, size);
        var reference = Find(cells, referenceSystem, referenceScenario, size);
        var perRound = PairedRatio.PerRound(rounds, ours, reference, cell => cell.Throughput);
        double? ratio = PairedRatio.Median(perRound);
        return new GoalResult(name, size, $"≥ {minimum:0.#}×", ours?.Throughput, reference?.Throughput, ratio, ratio >= minimum)
        {
            RoundRatios = perRound,
        };
    }

    // Higher is better here too: etcd's p99 over KvCluster's, so above 1 means KvCluster's is lower.
    private static GoalResult WriteLatencyGoal(IReadOnlyList<BenchReport> rounds, IReadOnlyList<BenchReport> cells, int size)
    {
        var ours = Find(cells, "kvcluster", Scenarios.Write, size);
        var reference = Find(cells, "etcd", Scenarios.Write, size);
        var perRound = PairedRatio.PerRound(rounds, reference, ours, cell => cell.WriteLatency.P99);
        double? ratio = PairedRatio.Median(perRound);
        return new GoalResult("p99 write latency (ms) vs etcd", size, "below etcd's", ours?.WriteLatency.P99, reference?.WriteLatency.P99, ratio,
            ratio > 1)
        {
            RoundRatios = perRound,
        };
    }
}
