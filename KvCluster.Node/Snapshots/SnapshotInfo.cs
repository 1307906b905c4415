namespace KvCluster.Node.Snapshots;

/// <summary>A snapshot just written: the seq it holds the state at, its size, how long it took, and where it is.</summary>
public sealed record SnapshotInfo(long Seq, long Bytes, TimeSpan Duration, string LastChainHash, string Path);
