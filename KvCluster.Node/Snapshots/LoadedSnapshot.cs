using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Snapshots;

/// <summary>
/// A state machine restored from a verified snapshot file. Replay the log from <see cref="Seq"/> + 1, checking
/// the chain from <see cref="LastChainHash"/>.
/// </summary>
public sealed record LoadedSnapshot(KvStateMachine Machine, string Path, long Bytes, TimeSpan Duration)
{
    public long Seq => Machine.AppliedSeq;

    public string LastChainHash => Machine.LastChainHash;
}
