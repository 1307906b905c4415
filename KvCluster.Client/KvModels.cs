namespace KvCluster.Client;

/// <summary>A key's value as read: its bytes, the content type they were written with, and the key's version.</summary>
public sealed record KvItem
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The value's bytes, as written.</summary>
    public required ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The Content-Type the value was written with (<c>application/octet-stream</c> when it was written without one).</summary>
    public string? ContentType { get; init; }

    /// <summary>The key's version: the sequence number of its last write. Pass it as <see cref="KvWriteOptions.IfVersion"/> to write only if nobody wrote since.</summary>
    public required long Version { get; init; }
}

/// <summary>One key of a listing: its name, version and value size.</summary>
public sealed record KvItemInfo
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The key's version (the sequence number of its last write).</summary>
    public required long Version { get; init; }

    /// <summary>The value's size in bytes.</summary>
    public required long Size { get; init; }
}

/// <summary>What a put did.</summary>
public sealed record KvWriteResult
{
    /// <summary>True when the write was applied; false only when its condition (<see cref="KvWriteOptions.IfVersion"/>, <see cref="KvWriteOptions.IfAbsent"/>) did not hold.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>True when the write created the key (it did not exist before).</summary>
    public bool Created { get; init; }

    /// <summary>The key's version after the write (its sequence number); 0 when the condition failed.</summary>
    public long Version { get; init; }

    /// <summary>The sequence number at which the write was decided in the log, applied or not; 0 if the node did not say.</summary>
    public long Seq { get; init; }
}

/// <summary>Conditions and the idempotency key of one write.</summary>
public sealed record KvWriteOptions
{
    /// <summary>Write only if the key is at this version (HTTP <c>If-Match</c>); otherwise the result has <see cref="KvWriteResult.Succeeded"/> false.</summary>
    public long? IfVersion { get; init; }

    /// <summary>Create only: write only if the key does not exist (HTTP <c>If-None-Match: *</c>). Puts only.</summary>
    public bool IfAbsent { get; init; }

    /// <summary>
    /// Attaches the key to this lease (<see cref="KvLease.Id"/>): the key is deleted when the lease ends. A put without one
    /// detaches the key. Puts only; a lease that has ended is a <see cref="KvException"/> with 404.
    /// </summary>
    public string? LeaseId { get; init; }

    /// <summary>
    /// The write's idempotency key (1 to 256 visible ASCII characters). Without one the client makes a new one for the call;
    /// give your own to make a retry of your own (after a crash, say) apply once, within the cluster's retention (24 h).
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>How fresh a read must be.</summary>
public enum KvConsistency
{
    /// <summary>
    /// The default: at least as new as everything this client has written or read (read-your-writes and monotonic reads on
    /// any node), with no extra round trip to the log.
    /// </summary>
    Session = 0,

    /// <summary>Reflects every write acknowledged before the read began, by anyone (the node asks the log for its head first).</summary>
    Linearizable,

    /// <summary>The node's state as it is, at once: may be stale; answers even while the log is unreachable.</summary>
    Local,
}

/// <summary>Options of one read or listing.</summary>
public sealed record KvReadOptions
{
    /// <summary>How fresh the read must be; <see cref="KvConsistency.Session"/> unless set.</summary>
    public KvConsistency Consistency { get; init; } = KvConsistency.Session;
}
