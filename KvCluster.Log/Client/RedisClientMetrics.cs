using System.Diagnostics.Metrics;

namespace KvCluster.Log.Client;

/// <summary>The Redis client's instruments, named by the OpenTelemetry database-client conventions where one exists.</summary>
internal static class RedisClientMetrics
{
    public static readonly Histogram<double> OperationDuration = RedisTelemetry.Meter.CreateHistogram(
        "db.client.operation.duration",
        unit: "s",
        description: "Round trip of one Redis command on the shared connection, from queueing to its reply.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            // Sub-millisecond on loopback, milliseconds across a network, seconds only when something is wrong.
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        });

    public static readonly Counter<long> Reconnects = RedisTelemetry.Meter.CreateCounter<long>(
        "kv.redis.reconnects", "{reconnect}", "Times the shared Redis connection was re-established after being lost.");
}
