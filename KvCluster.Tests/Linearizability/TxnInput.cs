namespace KvCluster.Tests.Linearizability;

public enum TxnCompareKind { Version, Exists, Value }

/// <summary>One compare of a transaction (docs/architecture.md §8.3): the key at a version (0 = absent), present or not, or holding a value.</summary>
public sealed record TxnCompare(string Key, TxnCompareKind Kind, long Version = 0, bool Exists = false, string? Value = null)
{
    public override string ToString() => Kind switch
    {
        TxnCompareKind.Version => $"{Key}@v{Version}",
        TxnCompareKind.Exists => Exists ? $"{Key} exists" : $"{Key} absent",
        _ => $"{Key}=\"{Value}\"",
    };
}

/// <summary>One operation of a transaction's branch: a put of <see cref="Value"/>, a delete or a get of <see cref="Key"/>.</summary>
public sealed record TxnStep(KvOperation Operation, string Key, string? Value = null)
{
    public override string ToString() => Operation switch
    {
        KvOperation.Put => $"put {Key}=\"{Value}\"",
        KvOperation.Delete => $"delete {Key}",
        _ => $"get {Key}",
    };
}

/// <summary>A transaction as the client sent it: all compares hold → <see cref="Success"/> runs, else <see cref="Failure"/>.</summary>
public sealed record TxnInput(IReadOnlyList<TxnCompare> Compares, IReadOnlyList<TxnStep> Success, IReadOnlyList<TxnStep> Failure)
{
    public override string ToString() =>
        $"txn if {string.Join(" and ", Compares)} then [{string.Join(", ", Success)}] else [{string.Join(", ", Failure)}]";
}

/// <summary>What one step answered: a get's Found, Value and Version; a delete's Deleted (whether the key was there).</summary>
public sealed record TxnStepOutput(bool Found = false, string? Value = null, long Version = 0, bool Deleted = false);

/// <summary>
/// The answer: which branch ran, at which seq, and one result per step of that branch. <see cref="Replayed"/>: an
/// Idempotency-Key retry's answer, which carries no get or delete results (they are not kept).
/// </summary>
public sealed record TxnOutput(bool Succeeded, long Seq, IReadOnlyList<TxnStepOutput> Results, bool Replayed = false)
{
    public override string ToString() => $"{(Succeeded ? "succeeded" : "failed")} at {Seq}{(Replayed ? " (replayed)" : "")}";
}
