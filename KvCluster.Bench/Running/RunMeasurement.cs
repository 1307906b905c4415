using KvCluster.Bench.Measurement;

namespace KvCluster.Bench.Running;

/// <summary>Everything measured in one run, merged over all connections.</summary>
public sealed record RunMeasurement(
    LatencyHistogram Reads,
    LatencyHistogram Writes,
    LatencyHistogram ServiceTime,
    IReadOnlyDictionary<string, long> Errors,
    double MeasuredSeconds,
    double PrefillSeconds,
    long PrefillErrors,
    DateTimeOffset StartedAt)
{
    /// <summary>The watched processes at the start of the measured window (empty when nothing was watched).</summary>
    public IReadOnlyList<ProcessReading> ProcessesAtStart { get; init; } = [];

    /// <summary>The same processes at its end.</summary>
    public IReadOnlyList<ProcessReading> ProcessesAtEnd { get; init; } = [];
}
