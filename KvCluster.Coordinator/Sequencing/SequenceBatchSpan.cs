using System.Diagnostics;
using KvCluster.ServiceDefaults.Telemetry;

namespace KvCluster.Coordinator.Sequencing;

/// <summary>
/// The span of one sequencer script call. A batch serves many requests, each in a trace of its own, so it cannot be
/// the child of all of them: it links to each request's append span (OpenTelemetry's batch pattern). A batch of one
/// request — the usual case when the cluster is not busy — is that request's child instead, so a lone write is one
/// connected trace down to the Redis call.
/// </summary>
internal static class SequenceBatchSpan
{
    public const string Name = "kv.sequence";

    public static Activity? Start(List<PendingAppend> batch, int commands)
    {
        if (!KvTelemetry.Source.HasListeners()) return null;
        Activity? activity;
        if (batch.Count == 1)
        {
            activity = KvTelemetry.Source.StartActivity(Name, ActivityKind.Internal, batch[0].RequestContext);
        }
        else
        {
            var links = new List<ActivityLink>(batch.Count);
            foreach (var pending in batch)
            {
                if (pending.RequestContext != default) links.Add(new ActivityLink(pending.RequestContext));
            }
            activity = KvTelemetry.Source.StartActivity(Name, ActivityKind.Internal, default(ActivityContext), links: links);
        }
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("kv.batch.requests", batch.Count);
            activity.SetTag("kv.batch.commands", commands);
        }
        return activity;
    }
}
