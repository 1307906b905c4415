using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// A run measures each cell in several rounds, the rounds of a workload alternating between systems, because this
/// machine's speed drifts by tens of percent within minutes. A cell is then represented by its median round by
/// throughput (the lower middle one for an even count), so one slow or fast spell moves no ratio on its own.
/// </summary>
public static class MedianRound
{
    /// <summary>One report per (system, scenario, value size): the median round, in the order the cells first appear.</summary>
    public static IReadOnlyList<BenchReport> Of(IReadOnlyList<BenchReport> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        return [.. rounds.GroupBy(Key).Select(cell =>
        {
            var byThroughput = cell.OrderBy(round => round.Throughput).ToArray();
            return byThroughput[(byThroughput.Length - 1) / 2];
        })];
    }

    /// <summary>Every round of the cell that <paramref name="median"/> represents, in the order they ran.</summary>
    public static IReadOnlyList<BenchReport> RoundsOf(IReadOnlyList<BenchReport> rounds, BenchReport median) =>
        [.. rounds.Where(round => Key(round) == Key(median)).OrderBy(round => round.StartedAt)];

    /// <summary>How many rounds the cell measured most often had (the run's --rounds, unless a round failed).</summary>
    public static int MostRounds(IReadOnlyList<BenchReport> rounds) =>
        rounds.Count == 0 ? 0 : rounds.GroupBy(Key).Max(cell => cell.Count());

    private static (string Target, string Scenario, int ValueSize) Key(BenchReport report) =>
        (report.Target, report.Workload.Scenario, report.Workload.ValueSize);
}
