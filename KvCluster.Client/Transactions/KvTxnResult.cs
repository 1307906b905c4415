namespace KvCluster.Client;

/// <summary>What a transaction did: which branch ran, at which seq, and each of that branch's operations' results.</summary>
public sealed record KvTxnResult
{
    /// <summary>True when every compare held and the success branch ran; false when the failure branch ran (not an error).</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The transaction's seq: the version of every key it wrote.</summary>
    public required long Seq { get; init; }

    /// <summary>One result per operation of the branch that ran, in its order.</summary>
    public required IReadOnlyList<KvTxnOpResult> Results { get; init; }

    /// <summary>
    /// True when the answer is a retry's (the same idempotency key, after an attempt whose answer was lost): then a put's
    /// version is there, but whether a delete found its key and what a get read are not kept (null).
    /// </summary>
    public bool Replayed { get; init; }
}

/// <summary>One operation's result: a put's version; a delete's <see cref="Deleted"/>; a get's <see cref="Found"/>, value, content type and version.</summary>
public sealed record KvTxnOpResult
{
    /// <summary>Put, delete or get.</summary>
    public required KvTxnOpKind Kind { get; init; }

    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>A put's new version (the transaction's seq), or the version a get found; null otherwise.</summary>
    public long? Version { get; init; }

    /// <summary>A delete's: whether the key existed; null for other operations and in a replayed answer.</summary>
    public bool? Deleted { get; init; }

    /// <summary>A get's: whether the key exists; null for other operations and in a replayed answer.</summary>
    public bool? Found { get; init; }

    /// <summary>What a get found: the value's bytes; null when not found or not a get.</summary>
    public ReadOnlyMemory<byte>? Value { get; init; }

    /// <summary>What a get found: the value's content type; null when not found or not a get.</summary>
    public string? ContentType { get; init; }
}
