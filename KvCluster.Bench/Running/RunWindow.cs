using System.Diagnostics;

namespace KvCluster.Bench.Running;

/// <summary>The run's timeline in Stopwatch ticks: load from Start, measured from MeasureFrom (after the warmup) to End.</summary>
internal readonly record struct RunWindow(long Start, long MeasureFrom, long End)
{
    public static RunWindow StartingNow(double warmupSeconds, double durationSeconds)
    {
        long start = Stopwatch.GetTimestamp();
        long measureFrom = start + Ticks(warmupSeconds);
        return new RunWindow(start, measureFrom, measureFrom + Ticks(durationSeconds));
    }

    /// <summary>Whether an operation that completed at <paramref name="completedAt"/> counts.</summary>
    public bool Measures(long completedAt) => completedAt >= MeasureFrom && completedAt <= End;

    public static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static long Nanoseconds(long ticks) => (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
}
