using System.Text.Json.Serialization;

namespace KvCluster.Tests.Jepsen;

public enum OperationKind { Get, Put, Delete, Txn }

public enum OperationOutcome
{
    /// <summary>200/201/204.</summary>
    Ok,
    NotFound,
    PreconditionFailed,
    /// <summary>A write whose effect nobody saw: timeouts, resets, 503s, retries exhausted.</summary>
    Unknown,
    /// <summary>A read that got no answer (503, timeout): it observed nothing.</summary>
    NoAnswer,
}

/// <summary>
/// One client operation as the workload saw it, one JSON line in the history file. Times are microseconds since the
/// run started; a write retried with the same Idempotency-Key is one operation from its first call to its last answer.
/// </summary>
public sealed record RecordedOperation
{
    public required int Index { get; init; }
    public required int Client { get; init; }
    /// <summary>The node (0-based) of the first attempt.</summary>
    public required int Node { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter<OperationKind>))]
    public required OperationKind Kind { get; init; }
    public required string Key { get; init; }
    /// <summary>linearizable, session or local for a get; empty for writes.</summary>
    public string Consistency { get; init; } = "";
    public string? Value { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter<Linearizability.KvPrecondition>))]
    public Linearizability.KvPrecondition Precondition { get; init; }
    public long MatchVersion { get; init; }
    /// <summary>X-Kv-Min-Seq sent with a session read.</summary>
    public long MinSeq { get; init; }
    public string? IdempotencyKey { get; init; }
    public required long Call { get; init; }
    /// <summary>Null when the outcome is unknown.</summary>
    public long? Return { get; set; }
    [JsonConverter(typeof(JsonStringEnumConverter<OperationOutcome>))]
    public OperationOutcome Outcome { get; set; } = OperationOutcome.Unknown;
    /// <summary>The value read (a get), the version read or written, or the seq of a delete.</summary>
    public long Version { get; set; }
    public bool Created { get; set; }
    public string? ValueRead { get; set; }
    /// <summary>X-Kv-Seq of the answer.</summary>
    public long Seq { get; set; }
    public int Attempts { get; set; }
    /// <summary>An answer no correct node gives (400, 500...), or the last transport error.</summary>
    public string? Error { get; set; }
    public bool Unexpected { get; set; }
    /// <summary>The lease a put attached its key to (PUT ?lease=), or null.</summary>
    public string? Lease { get; init; }
    /// <summary>With <see cref="Lease"/>: the earliest time (µs) the lease can expire: its grant's call plus its TTL.</summary>
    public long LeaseExpiresAfter { get; init; }
    /// <summary>A transaction's request (Kind Txn; <see cref="Key"/> is then the first key of its pair).</summary>
    public Linearizability.TxnInput? Txn { get; init; }
    /// <summary>A transaction's answer, once known.</summary>
    public Linearizability.TxnOutput? TxnResult { get; set; }
}
