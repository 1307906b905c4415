namespace KvCluster.Node.StateMachine;

/// <summary>What applying one log entry did; decided in log order, identically on every replica.</summary>
public enum ApplyOutcome
{
    /// <summary>A put made a key that did not exist.</summary>
    Created,
    /// <summary>A put replaced the value of an existing key.</summary>
    Updated,
    /// <summary>A delete removed an existing key.</summary>
    Deleted,
    /// <summary>A delete named a key that does not exist.</summary>
    NotFound,
    /// <summary>The entry's precondition did not hold; nothing changed.</summary>
    PreconditionFailed,
    /// <summary>A transaction's compares all held; its success branch ran (docs/architecture.md §8.3).</summary>
    TxnSucceeded,
    /// <summary>A transaction's compares did not all hold; its failure branch ran.</summary>
    TxnFailed,
    /// <summary>A transaction entry that does not decode; nothing changed, on every replica alike.</summary>
    TxnMalformed,
    /// <summary>A put named a lease that does not exist (never granted, revoked or expired); nothing changed.</summary>
    LeaseNotFound,
}
