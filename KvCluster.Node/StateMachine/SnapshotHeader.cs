namespace KvCluster.Node.StateMachine;

/// <summary>
/// What a snapshot says about itself: the state it holds is the log applied up to <paramref name="AppliedSeq"/>,
/// whose last entry carried <paramref name="LastChainHash"/>; replay continues at AppliedSeq + 1.
/// </summary>
public sealed record SnapshotHeader(int FormatVersion, long AppliedSeq, long LogTimeUnixMs, string LastChainHash, long EntryCount);
