using System.Diagnostics;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Telemetry;

namespace KvCluster.Node.Replication;

/// <summary>
/// The span of one replica applying one log entry. It is a child (not a link) of the request that wrote the entry,
/// through the traceparent stored in it: an entry has exactly one cause, and as children the N replicas' applies
/// appear inside that write's trace, so a trace viewer shows the write fanning out to every replica.
/// (Links are for a span with many causes, such as the coordinator's batch of appends.)
/// </summary>
internal static class ApplySpan
{
    public const string Name = "kv.apply";

    /// <summary>Null — and nothing allocated — unless a listener wants the span and the entry carries a trace.</summary>
    public static Activity? Start(LogEntry entry)
    {
        if (entry.TraceParent.Length == 0 || !KvTelemetry.Source.HasListeners()) return null;
        if (!ActivityContext.TryParse(entry.TraceParent, null, isRemote: true, out var writer)) return null;
        var activity = KvTelemetry.Source.StartActivity(Name, ActivityKind.Consumer, writer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("kv.seq", entry.Seq);
            activity.SetTag("kv.operation", LogOperationNames.Of(entry.Operation));
            activity.SetTag("kv.origin_node", entry.OriginNode);
        }
        return activity;
    }

    public static void Complete(Activity activity, ApplyResult result)
    {
        if (activity.IsAllDataRequested) activity.SetTag("kv.apply.outcome", result.Outcome.ToString());
        activity.Dispose();
    }
}
