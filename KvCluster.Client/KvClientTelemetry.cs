using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvCluster.Client;

/// <summary>
/// The client's traces and metrics, both named <see cref="Name"/>. They cost nothing until a listener subscribes:
/// <c>AddKvClusterClient</c> adds them to OpenTelemetry unless its settings turn them off.
/// </summary>
public static class KvClientTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>: <c>KvCluster.Client</c>.</summary>
    public const string Name = "KvCluster.Client";

    internal const string OperationTag = "db.operation.name";
    internal const string KeyTag = "kv.key";
    internal const string NodeTag = "kv.node";
    internal const string AttemptsTag = "kv.attempts";
    internal const string OutcomeTag = "kv.outcome";
    internal const string ReasonTag = "kv.reason";

    private static readonly string? Version = typeof(KvClientTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    private static readonly Meter Meter = new(Name, Version);

    // One per call: by operation and outcome (ok, failed: the cluster refused it, unavailable: no node served it).
    internal static readonly Counter<long> Operations = Meter.CreateCounter<long>("kv.client.operations", "{operation}",
        "Calls made by the client, by operation and outcome.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("kv.client.operation.duration", "s",
        "How long a call took, every attempt and wait included.");

    // An attempt that failed and sent the call to another node: what a kill or an overloaded node costs the caller.
    internal static readonly Counter<long> Failovers = Meter.CreateCounter<long>("kv.client.failovers", "{attempt}",
        "Attempts that failed (no connection, timeout, 502/503/504) and moved the call to another node.");

    internal static readonly Counter<long> WatchResumes = Meter.CreateCounter<long>("kv.client.watch.resumes", "{resume}",
        "Watch streams resumed on a node after the one before broke or closed.");

    internal static readonly Counter<long> LeaseKeepAlives = Meter.CreateCounter<long>("kv.client.lease.keepalives", "{keepalive}",
        "Lease keep-alives sent, by outcome (ok, lost, failed).");

    /// <summary>A span for one call, or null when nobody listens.</summary>
    internal static Activity? StartCall(string operation, string? key)
    {
        // The span is named by the operation alone (a key in the name would make one name per key); the key is a tag.
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", "kvcluster");
        activity.SetTag(OperationTag, operation);
        if (key is not null) activity.SetTag(KeyTag, key);
        return activity;
    }

    internal static void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var op = new KeyValuePair<string, object?>(OperationTag, operation);
        var result = new KeyValuePair<string, object?>(OutcomeTag, outcome);
        Operations.Add(1, op, result);
        Duration.Record(elapsed.TotalSeconds, op, result);
    }
}
