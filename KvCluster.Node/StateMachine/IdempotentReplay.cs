namespace KvCluster.Node.StateMachine;

/// <summary>The earlier entry an idempotency key was recorded by, and the result it had then.</summary>
public readonly record struct IdempotentReplay(long Seq, ApplyResult Result);
