using KvCluster.Log;
using System.Diagnostics;

namespace KvCluster.Node.Replication;

/// <summary>
/// One write this node forwarded, waited on by its writer until something decides it: this replica applying it
/// (the usual end), or the coordinator answering that the log held it already (a retry) or that it could not be
/// sequenced, or its deadline passing (<see cref="PendingWrites"/> sweeps for those). One completion for all, so an
/// ordinary write wakes its writer once, after apply, and not also when the coordinator's answer arrives (that
/// wake-up per write was a measurable share of a node's CPU).
/// </summary>
public sealed class PendingWrite(long deadlineTimestamp)
{
    private readonly TaskCompletionSource<WriteDecision> _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppliedWrite _appliedHere;
    private volatile bool _isAppliedHere;
    private volatile bool _isSequenced;

    public Task<WriteDecision> Decided => _decided.Task;

    /// <summary>When the writer stops waiting (a <see cref="Stopwatch"/> timestamp).</summary>
    public long DeadlineTimestamp { get; } = deadlineTimestamp;

    /// <summary>The writer has its answer (or gave up): nothing sent for it now can change that answer.</summary>
    public bool IsDecided => _decided.Task.IsCompleted;

    /// <summary>The coordinator placed it in the log (its answer arrived); it may not be applied here yet.</summary>
    public bool IsSequenced => _isSequenced;

    /// <summary>What this replica's state machine made of it, once applied here (even if the decision came first).</summary>
    public bool TryGetAppliedHere(out AppliedWrite write)
    {
        // The flag first: its volatile read orders the read of the result after the tailer's write of it.
        if (!_isAppliedHere)
        {
            write = default;
            return false;
        }
        write = _appliedHere;
        return true;
    }

    internal void AppliedHere(AppliedWrite write)
    {
        _appliedHere = write;
        _isAppliedHere = true;
        _isSequenced = true;
        _decided.TrySetResult(new WriteDecision(write.Seq, write.Result));
    }

    internal void Sequenced() => _isSequenced = true;

    internal void SequencedEarlier(long seq)
    {
        _isSequenced = true;
        _decided.TrySetResult(new WriteDecision(seq, null));
    }

    internal void Failed(LogUnavailableException failure) => _decided.TrySetException(failure);

    internal void TimedOut() => _decided.TrySetException(new WriteTimedOutException());
}

/// <summary>A write's deadline passed before anything decided it; it may still take effect.</summary>
public sealed class WriteTimedOutException() : TimeoutException("The write was not decided before its deadline.");

/// <summary>Where a write landed, and its result when this replica applied it (null: the log held it from an earlier attempt).</summary>
public readonly record struct WriteDecision(long Seq, StateMachine.ApplyResult? Result);
