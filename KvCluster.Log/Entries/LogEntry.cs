namespace KvCluster.Log.Entries;

/// <summary>
/// One sequenced command of the replicated log (docs/architecture.md §2.2). Apply is a pure function of
/// (state, entry), so every field a replica needs to reach the same result is here.
/// </summary>
public sealed record LogEntry
{
    /// <summary>Dense sequence number, from 1; also the stream entry id "{Seq}-0".</summary>
    public required long Seq { get; init; }
    public required LogOperation Operation { get; init; }
    public required string Key { get; init; }
    /// <summary>The value bytes of a put; empty for a delete.</summary>
    public ReadOnlyMemory<byte> Value { get; init; }
    /// <summary>The Content-Type the value was written with ("" when none was given).</summary>
    public string ContentType { get; init; } = "";
    public Precondition Precondition { get; init; } = Precondition.None;
    /// <summary>The client's Idempotency-Key, or "" when the write carried none.</summary>
    public string IdempotencyKey { get; init; } = "";
    /// <summary>Unique per write attempt; lets the origin node find the waiter for this entry.</summary>
    public string RequestId { get; init; } = "";
    /// <summary>W3C traceparent of the request that caused the entry, or "".</summary>
    public string TraceParent { get; init; } = "";
    /// <summary>Id of the node that forwarded the write.</summary>
    public string OriginNode { get; init; } = "";
    /// <summary>The lease a put attaches its key to, or "" (docs/architecture.md §8).</summary>
    public string Lease { get; init; } = "";
    /// <summary>Redis server time at sequencing, Unix milliseconds; deterministic for every replica.</summary>
    public long SequencedAtUnixMs { get; init; }
    /// <summary>The entry's command as stored in the stream (<see cref="EntryBlob"/>), which the chain hash covers; empty when built in code.</summary>
    public ReadOnlyMemory<byte> Encoded { get; init; }
    /// <summary>Chain hash: SHA-1 over the previous entry's hash and this entry (hex), computed by the sequencer.</summary>
    public string ChainHash { get; init; } = "";
    /// <summary>Which digest of the command <see cref="ChainHash"/> covers, or its bytes (older entries).</summary>
    public ChainHashFormat ChainFormat { get; init; }
}
