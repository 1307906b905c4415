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
    DateTimeOffset StartedAt);
