namespace KvCluster.Node.Replication;

/// <summary>
/// One write this node forwarded, waited on by its writer until something decides it: this replica applying it
/// (the usual end), or the coordinator answering that the log held it already (a retry) or that it could not be
/// sequenced. One completion for all three, so an ordinary write wakes its writer once, after apply, and not
/// also when the coordinator's answer arrives (that wake-up per write was a measurable share of a node's CPU).
/// </summary>
public sealed class PendingWrite
{
    private readonly TaskCompletionSource<WriteDecision> _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppliedWrite _appliedHere;
    private volatile bool _isAppliedHere;
    private volatile bool _isSequenced;

    public Task<WriteDecision> Decided => _decided.Task;

    /// <summary>The coordinator placed it in the log (its answer arrived); it may not be applied here yet.</summary>
    public bool IsSequenced => _isSequenced;

    /// <summary>What this replica's state machine made of it, once applied here (even if the decision came first).</summary>
    public bool TryGetAppliedHere(out AppliedWrite write)
    {
        write = _appliedHere;
        return _isAppliedHere;
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
}

/// <summary>Where a write landed, and its result when this replica applied it (null: the log held it from an earlier attempt).</summary>
public readonly record struct WriteDecision(long Seq, StateMachine.ApplyResult? Result);
