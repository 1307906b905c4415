using System.Runtime.InteropServices;
using System.Text.Json;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>Collects the cell reports of one run and computes the ratios against the targets of issue 7.</summary>
public static class ComparisonBuilder
{
    /// <summary>The comparison of a run from every round it measured; each cell is its <see cref="MedianRound"/>.</summary>
    public static ComparisonResults Build(IReadOnlyList<BenchReport> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var cells = MedianRound.Of(rounds);
        var goals = new List<GoalResult>();
        foreach (int size in cells.Select(cell => cell.Workload.ValueSize).Distinct().Order())
        {
            goals.Add(ThroughputGoal(cells, "writes vs etcd", Scenarios.Write, size, "etcd", Scenarios.Write, minimum: 4));
            goals.Add(ThroughputGoal(cells, "linearizable reads vs etcd", Scenarios.ReadLinearizable, size, "etcd", Scenarios.ReadLinearizable, minimum: 5));
            goals.Add(ThroughputGoal(cells, "local reads vs trivial endpoint", Scenarios.ReadLocal, size, "trivial", Scenarios.Trivial, minimum: 0.7));
            goals.Add(WriteLatencyGoal(cells, size));
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

    private static GoalResult ThroughputGoal(IReadOnlyList<BenchReport> cells, string name, string scenario, int size,
        string referenceSystem, string referenceScenario, double minimum)
    {
        double? ours = Find(cells, "kvcluster", scenario, size)?.Throughput;
        double? reference = Find(cells, referenceSystem, referenceScenario, size)?.Throughput;
        double? ratio = ours is { } o && reference is > 0 ? Math.Round(o / reference.Value, 2) : null;
        return new GoalResult(name, size, $"≥ {minimum:0.#}×", ours, reference, ratio, ratio >= minimum);
    }

    private static GoalResult WriteLatencyGoal(IReadOnlyList<BenchReport> cells, int size)
    {
        double? ours = Find(cells, "kvcluster", Scenarios.Write, size)?.WriteLatency.P99;
        double? reference = Find(cells, "etcd", Scenarios.Write, size)?.WriteLatency.P99;
        double? ratio = ours is > 0 && reference is { } r ? Math.Round(r / ours.Value, 2) : null;
        return new GoalResult("p99 write latency (ms) vs etcd", size, "below etcd's", ours, reference, ratio, ours < reference);
    }
}
