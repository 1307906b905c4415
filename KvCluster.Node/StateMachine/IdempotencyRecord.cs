namespace KvCluster.Node.StateMachine;

/// <summary>What an idempotency key remembers: the entry that recorded it, its result, and when.</summary>
internal readonly record struct IdempotencyRecord(long Seq, ApplyResult Result, long RecordedAtUnixMs);
