namespace KvCluster.Node.StateMachine;

/// <summary>
/// What an idempotency key remembers: the entry that recorded it, its result, and when. A transaction's per-operation
/// results are not kept (snapshots do not hold them), so a replay answers the same on every replica, restored or not.
/// </summary>
internal readonly record struct IdempotencyRecord(long Seq, ApplyResult Result, long RecordedAtUnixMs)
{
    public ApplyResult Result { get; init; } = Result with { Txn = null };
}
