namespace KvCluster.Node.StateMachine;

/// <summary>A digest of the whole state and the applied seq it describes (equal pairs = identical replicas).</summary>
public readonly record struct StateDigest(long AppliedSeq, string Digest);
