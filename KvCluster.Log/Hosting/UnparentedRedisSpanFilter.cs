using System.Diagnostics;
using OpenTelemetry;

namespace KvCluster.Log.Redis;

/// <summary>
/// Keeps Redis command spans that belong to a trace (a write's script call, a linearizable read's GET) and drops the
/// others: the tailer's reads and the heartbeats would each be a trace of their own, thousands a minute. The Redis
/// instrumentation that AddRedisClient brings has no public filter, so its root spans are marked not recorded,
/// which the exporter skips.
/// </summary>
internal sealed class UnparentedRedisSpanFilter : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.ParentSpanId == default && data.Kind == ActivityKind.Client
            && data.Source.Name.Contains("Redis", StringComparison.OrdinalIgnoreCase))
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
