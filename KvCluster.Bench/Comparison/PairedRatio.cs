using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// A ratio between two cells of a run, taken round by round: round k of one cell over round k of the other, which
/// ran next to it (the bench takes a workload's systems in turn within each round), and then the median of those
/// ratios. This machine's speed drifts by tens of percent over minutes; the two sides of one round share the spell
/// they ran in, so their quotient moves far less than either side, and far less than a quotient of two medians
/// that may come from different spells.
/// </summary>
public static class PairedRatio
{
    /// <summary>
    /// <paramref name="measure"/> of each round of <paramref name="numerator"/>'s cell over the same of the same round
    /// of <paramref name="denominator"/>'s cell, rounded to two decimals as the report gives them (either cell given by
    /// any of its rounds; rounds matched in the order they ran; a round missing on either side is left out, as is one
    /// whose denominator measured 0).
    /// </summary>
    public static IReadOnlyList<double> PerRound(IReadOnlyList<BenchReport> rounds, BenchReport? numerator, BenchReport? denominator,
        Func<BenchReport, double> measure)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(measure);
        if (numerator is null || denominator is null) return [];
        var above = MedianRound.RoundsOf(rounds, numerator);
        var below = MedianRound.RoundsOf(rounds, denominator);
        var ratios = new List<double>();
        for (int k = 0; k < Math.Min(above.Count, below.Count); k++)
        {
            double divisor = measure(below[k]);
            if (divisor > 0) ratios.Add(Math.Round(measure(above[k]) / divisor, 2));
        }
        return ratios;
    }

    /// <summary>The median of <paramref name="ratios"/> (the lower middle one for an even count, as <see cref="MedianRound"/>), or null when there are none.</summary>
    public static double? Median(IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (ratios.Count == 0) return null;
        var ordered = ratios.Order().ToArray();
        return ordered[(ordered.Length - 1) / 2];
    }
}
