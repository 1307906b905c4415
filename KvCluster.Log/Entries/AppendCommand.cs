namespace KvCluster.Log.Entries;

/// <summary>A write a node asks the coordinator to sequence: a <see cref="LogEntry"/> before it has a place in the log.</summary>
public sealed record AppendCommand
{
    public required LogOperation Operation { get; init; }
    public required string Key { get; init; }
    public ReadOnlyMemory<byte> Value { get; init; }
    public string ContentType { get; init; } = "";
    public Precondition Precondition { get; init; } = Precondition.None;
    /// <summary>The client's Idempotency-Key, or "": remembered in Redis and in every replica for the retention window.</summary>
    public string IdempotencyKey { get; init; } = "";
    /// <summary>Unique per write attempt, made by the origin node; lets a retried append be recognised (short retention).</summary>
    public required string RequestId { get; init; }
    public string TraceParent { get; init; } = "";
    public string OriginNode { get; init; } = "";
    /// <summary>The lease a put attaches its key to, or "" (docs/architecture.md §8).</summary>
    public string Lease { get; init; } = "";
    /// <summary>The command as <see cref="EntryBlob"/> bytes when it arrived encoded; empty means encode when needed.</summary>
    public ReadOnlyMemory<byte> Encoded { get; init; }
}

/// <summary>Where the sequencer put a command: its sequence number, and whether it was already in the log (a retry).</summary>
public readonly record struct AppendOutcome(long Seq, bool Duplicate);
