using KvCluster.Node.StateMachine;
using KvCluster.Node.Watch;

namespace KvCluster.Node.Replication;

/// <summary>
/// This replica's view of the log: the map it serves, how far it has applied, how far the log is known to go,
/// whether what it applied is still the log's history, and the changes it applied lately (what watch streams read).
/// </summary>
public sealed class ReplicaState
{
    private long _knownHead;
    private volatile bool _caughtUp;
    private volatile string? _divergence;

    /// <param name="machine">The state to start from: empty, or loaded from this node's snapshot.</param>
    /// <param name="journalLimits">How many changes <see cref="Changes"/> keeps (Kv:Watch).</param>
    public ReplicaState(KvStateMachine machine, ChangeJournalLimits? journalLimits = null)
    {
        Machine = machine;
        Applied.Advance(machine.AppliedSeq);
        Changes = new ChangeJournal(machine.AppliedSeq, journalLimits ?? ChangeJournalLimits.Default);
    }

    /// <summary>The changes the tailer applied lately, published after each batch: what watch streams read.</summary>
    public ChangeJournal Changes { get; }

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
        // The changes between the old state and the rebuilt one were never published: the journal starts again, and
        // the streams reading it end (their clients resume from where they were, on a node that has those changes).
        Changes.Reset(rebuilt.AppliedSeq, _divergence ?? "rebuilt from Redis");
        Machine = rebuilt;
        Applied.Reset(rebuilt.AppliedSeq);
        Interlocked.Exchange(ref _knownHead, rebuilt.AppliedSeq);
        _divergence = null;
    }
}
