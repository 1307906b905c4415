namespace KvCluster.Node.StateMachine;

/// <summary>
/// The result of one applied entry. <paramref name="Version"/> is the entry's seq for
/// Created/Updated/Deleted, 0 for NotFound, and the key's current version (0 when absent) for
/// PreconditionFailed, so a 412 can tell the client what it raced against. For a transaction (TxnSucceeded, TxnFailed,
/// TxnMalformed) it is the transaction's seq, and <paramref name="Txn"/> holds what each operation of the branch did; it is
/// null for every other entry (so a put or delete allocates nothing more) and in a replayed result, which keeps only
/// the outcome and seq (an idempotency record holds no more, in memory or in a snapshot).
/// </summary>
public readonly record struct ApplyResult(ApplyOutcome Outcome, long Version, TxnResult? Txn = null)
{
    public bool Succeeded => Outcome is ApplyOutcome.Created or ApplyOutcome.Updated or ApplyOutcome.Deleted;
}
