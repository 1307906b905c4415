using System.Diagnostics.Metrics;
using KvCluster.ServiceDefaults.Telemetry;

namespace KvCluster.Coordinator;

/// <summary>The coordinator's own instruments, on the "KvCluster" meter that ServiceDefaults exports.</summary>
internal static class CoordinatorMetrics
{
    public static readonly Meter Meter = KvTelemetry.Meter;

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram(
        "kv.append.batch.size", "{command}", "Commands sequenced by one script call.",
        tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    public static readonly Counter<long> Appends = Meter.CreateCounter<long>(
        "kv.appends", "{command}", "Commands the coordinator was asked to sequence, by outcome (sequenced, duplicate, failed).");

    public static readonly Counter<long> LeaseExpiries = Meter.CreateCounter<long>(
        "kv.lease.expiries", "{lease}", "Leases this coordinator revoked because they were not kept alive (each expiry counted once).");
}
