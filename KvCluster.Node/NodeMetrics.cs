using System.Diagnostics.Metrics;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Telemetry;

namespace KvCluster.Node;

/// <summary>
/// A replica's instruments on the "KvCluster" meter that ServiceDefaults exports. Which node reports them is the
/// resource's service.instance.id, so no attribute repeats it. Gauges are read at export time, costing the hot
/// path nothing.
/// </summary>
public sealed class NodeMetrics
{
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        // A snapshot or a catch-up takes from milliseconds (a small map) to minutes (millions of entries).
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    private readonly Counter<long> _writes;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _transactions;
    private readonly Histogram<double> _snapshotDuration;
    private readonly Histogram<double> _catchUpDuration;
    private readonly UpDownCounter<long> _watchStreams;
    private readonly Counter<long> _watchEvents;
    private readonly Counter<long> _watchEnded;

    public NodeMetrics(IMeterFactory meterFactory, ReplicaState replica)
    {
        // The factory owns the meter and disposes it with the container, so a host built twice in one process
        // (tests) does not leave observable instruments pointing at a dead replica.
        var meter = meterFactory.Create(KvTelemetry.Name);
        _writes = meter.CreateCounter<long>("kv.writes", "{write}", "Writes this node answered, by operation and outcome.");
        _reads = meter.CreateCounter<long>("kv.reads", "{read}", "Reads this node answered, by consistency and outcome.");
        _transactions = meter.CreateCounter<long>("kv.transactions", "{transaction}",
            "Transactions this node answered, by kv.txn.outcome: succeeded (the compares held) or failed.");
        meter.CreateObservableGauge("kv.applied.sequence", () => replica.Applied.Value, "{entry}",
            "Sequence number of the last log entry this replica applied.");
        meter.CreateObservableGauge("kv.replication.lag", () => replica.Lag, "{entry}",
            "Entries between the highest sequence number known to be in the log and the one this replica applied.");
        meter.CreateObservableGauge("kv.key.count", () => (long)replica.Machine.Count, "{key}", "Keys this replica holds.");
        meter.CreateObservableGauge("kv.value.size", () => replica.Machine.ValueBytes, "By", "Bytes of values this replica holds.");
        meter.CreateObservableGauge("kv.lease.count", () => (long)replica.Machine.LeaseCount, "{lease}",
            "Leases this replica holds (granted, not yet revoked or expired).");
        _snapshotDuration = meter.CreateHistogram("kv.snapshot.duration", "s", "Time to write one snapshot of the replica's state.",
            tags: null, advice: DurationBuckets);
        _catchUpDuration = meter.CreateHistogram("kv.catchup.duration", "s",
            "Time to replay the log until caught up: at start (kv.catchup.reason=start) or after divergence (rebuild).",
            tags: null, advice: DurationBuckets);
        _watchStreams = meter.CreateUpDownCounter<long>("kv.watch.streams", "{stream}", "Watch streams open on this node.");
        _watchEvents = meter.CreateCounter<long>("kv.watch.events", "{event}", "Change events sent to watch streams.");
        _watchEnded = meter.CreateCounter<long>("kv.watch.disconnects", "{stream}",
            "Watch streams that ended, and ones refused, by kv.watch.reason: client-gone, slow-consumer, rebuilt, node-stopping, " +
            "compacted, log-unavailable, limit (refused: Kv:Watch:MaxStreams).");
    }

    public void RecordWrite(LogOperation operation, WriteOutcome outcome)
    {
        if (!_writes.Enabled) return;
        _writes.Add(1,
            new KeyValuePair<string, object?>("kv.operation", LogOperationNames.Of(operation)),
            new KeyValuePair<string, object?>("kv.write.outcome", Describe(outcome)));
    }

    /// <param name="outcome">"found", "not_found", "listed" or "not_fresh" (the node could not catch up in time).</param>
    public void RecordRead(ReadConsistency consistency, string outcome)
    {
        if (!_reads.Enabled) return;
        _reads.Add(1,
            new KeyValuePair<string, object?>("kv.read.consistency", consistency switch
            {
                ReadConsistency.Linearizable => "linearizable",
                ReadConsistency.Session => "session",
                _ => "local",
            }),
            new KeyValuePair<string, object?>("kv.read.outcome", outcome));
    }

    /// <summary>A transaction answered: its compares held (the success branch ran) or not.</summary>
    public void RecordTransaction(bool succeeded)
    {
        if (!_transactions.Enabled) return;
        _transactions.Add(1, new KeyValuePair<string, object?>("kv.txn.outcome", succeeded ? "succeeded" : "failed"));
    }

    /// <summary>For the snapshot writer: how long one snapshot took.</summary>
    public void RecordSnapshot(TimeSpan duration) => _snapshotDuration.Record(duration.TotalSeconds);

    /// <param name="reason">"start" (replaying the log after start) or "rebuild" (after divergence).</param>
    public void RecordCatchUp(TimeSpan duration, string reason) =>
        _catchUpDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("kv.catchup.reason", reason));

    public void WatchStreamOpened() => _watchStreams.Add(1);

    public void WatchStreamClosed() => _watchStreams.Add(-1);

    public void RecordWatchEvents(int count) => _watchEvents.Add(count);

    /// <param name="reason">Why a watch stream ended or was refused (see kv.watch.disconnects).</param>
    public void RecordWatchEnded(string reason) => _watchEnded.Add(1, new KeyValuePair<string, object?>("kv.watch.reason", reason));

    private static string Describe(WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.Applied { Result.Outcome: var applied } => applied switch
        {
            ApplyOutcome.Created => "created",
            ApplyOutcome.Updated => "updated",
            ApplyOutcome.Deleted => "deleted",
            ApplyOutcome.NotFound => "not_found",
            ApplyOutcome.PreconditionFailed => "precondition_failed",
            ApplyOutcome.TxnSucceeded => "txn_succeeded",
            ApplyOutcome.TxnFailed => "txn_failed",
            ApplyOutcome.TxnMalformed => "txn_malformed",
            ApplyOutcome.LeaseNotFound => "lease_not_found",
            _ => "applied",
        },
        WriteOutcome.Refused => "refused",
        WriteOutcome.Unavailable => "unavailable",
        _ => "unknown",
    };
}
