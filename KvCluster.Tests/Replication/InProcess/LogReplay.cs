using KvCluster.Log;
using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>What a node holds after applying the whole log, and the checkpoint compaction makes from such a state.</summary>
internal static class LogReplay
{
    /// <summary>A fresh state machine that applied every entry the log holds (from seq 1: an untrimmed log).</summary>
    public static async Task<KvStateMachine> ReplayAsync(IReplicatedLog log)
    {
        var machine = new KvStateMachine();
        foreach (var entry in await log.ReadAfterAsync(0, int.MaxValue)) machine.Apply(entry);
        return machine;
    }

    /// <summary>
    /// Publishes <paramref name="machine"/>'s snapshot as the log's checkpoint, as compaction does with a node's
    /// (KvCluster.Coordinator/Compaction/CompactionService.cs), and returns its seq.
    /// </summary>
    public static async Task<long> CheckpointAsync(KvStateMachine machine, IReplicatedLog log)
    {
        using var snapshot = new MemoryStream();
        var header = machine.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        await log.WriteCheckpointAsync(header.AppliedSeq, header.LastChainHash, snapshot);
        return header.AppliedSeq;
    }
}
