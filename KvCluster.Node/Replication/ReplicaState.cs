using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Replication;

/// <summary>
/// This replica's view of the log: the map it serves, how far it has applied, how far the log is known to go,
/// and whether what it applied is still the log's history.
/// </summary>
public sealed class ReplicaState
{
    private long _knownHead;
    private volatile bool _caughtUp;
    private volatile string? _divergence;

    /// <param name="machine">The state to start from: empty, or loaded from this node's snapshot.</param>
    public ReplicaState(KvStateMachine machine)
    {
        Machine = machine;
        Applied.Advance(machine.AppliedSeq);
    }

    /// <summary>The state machine reads are served from. Applied to by the tailer alone.</summary>
    public KvStateMachine Machine { get; private set; }

    public AppliedIndex Applied { get; } = new();

    /// <summary>The highest sequence number known to exist in the log.</summary>
    public long KnownHead => Interlocked.Read(ref _knownHead);

    public long Lag => Math.Max(0, KnownHead - Applied.Value);

    /// <summary>True once the tailer has read to the end of the stream at least once since start.</summary>
    public bool CaughtUp => _caughtUp;

    /// <summary>Why this replica's state no longer matches the log (a gap or a broken chain), or null.</summary>
    public string? Divergence => _divergence;

    public void ObserveHead(long head)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _knownHead);
            if (head <= current) return;
        }
        while (Interlocked.CompareExchange(ref _knownHead, head, current) != current);
    }

    /// <summary>
    /// The head as Redis reported it, read after this replica had applied <paramref name="appliedBeforeRead"/>.
    /// A head below that means the log went backwards under this replica (Redis restarted without its last writes,
    /// failed over to a lagging replica, or was emptied). Comparing with the applied seq of before the read matters:
    /// the tailer may apply entries past the head while the reply is on its way.
    /// </summary>
    public void ObserveHeadFromRedis(long head, long appliedBeforeRead)
    {
        if (head < appliedBeforeRead && _divergence is null)
        {
            MarkDiverged($"the log head in Redis is {head} but this replica applied up to {appliedBeforeRead}: the log went backwards");
            return;
        }
        ObserveHead(head);
    }

    public void MarkCaughtUp() => _caughtUp = true;

    public void MarkDiverged(string reason) => _divergence = reason;

    /// <summary>Serves from a machine rebuilt from the log, replacing a diverged one.</summary>
    public void ReplaceMachine(KvStateMachine rebuilt)
    {
        Machine = rebuilt;
        Applied.Reset(rebuilt.AppliedSeq);
        Interlocked.Exchange(ref _knownHead, rebuilt.AppliedSeq);
        _divergence = null;
    }
}
