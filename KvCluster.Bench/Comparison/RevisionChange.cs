using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// One measure of a cell before and after a change: each side's median over its rounds, and the change as the
/// median of the round-by-round changes (head's round k against base's round k, which ran next to it), so a slow or
/// fast spell of the machine that lands on one pair of rounds moves the change no more than that pair's vote.
/// Medians of an even count are the mean of the middle two: with two builds there is no "reference" side whose
/// round should be picked.
/// </summary>
public sealed record RevisionChange(double? Base, double? Head, double? Change, IReadOnlyList<double?> RoundChanges)
{
    public static readonly RevisionChange None = new(null, null, null, []);

    /// <summary>
    /// <paramref name="measure"/> of each side's rounds (in the order they ran, paired by position; a measure that is
    /// null in a round leaves that round out of its side's median and out of the changes).
    /// </summary>
    public static RevisionChange Between(IReadOnlyList<BenchReport> baseRounds, IReadOnlyList<BenchReport> headRounds,
        Func<BenchReport, double?> measure)
    {
        ArgumentNullException.ThrowIfNull(baseRounds);
        ArgumentNullException.ThrowIfNull(headRounds);
        ArgumentNullException.ThrowIfNull(measure);
        var before = baseRounds.Select(measure).ToArray();
        var after = headRounds.Select(measure).ToArray();
        var changes = new List<double?>();
        for (int k = 0; k < Math.Min(before.Length, after.Length); k++)
        {
            changes.Add(before[k] is > 0 && after[k] is { } head ? head / before[k]!.Value - 1 : null);
        }
        return new RevisionChange(Median(before), Median(after), Median(changes), changes);
    }

    /// <summary>The median of the values present, or null when none is.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().Order().ToArray();
        if (present.Length == 0) return null;
        int middle = present.Length / 2;
        return present.Length % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
    }
}
