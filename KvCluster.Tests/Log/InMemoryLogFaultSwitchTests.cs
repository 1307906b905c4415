using KvCluster.Log.Entries;
using KvCluster.Log.InMemory;

namespace KvCluster.Tests.Log;

/// <summary>
/// The in-memory log's fault switches (KvCluster.Log/InMemory/InMemoryReplicatedLog.cs) do what the failures they stand
/// for do to Redis, so the path tests that use them see what a node would.
/// </summary>
public sealed class InMemoryLogFaultSwitchTests
{
    [Fact]
    public async Task A_log_rolled_back_continues_its_chain_from_the_entry_it_went_back_to()
    {
        var log = new InMemoryReplicatedLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "1"), Commands.Put("c", "1")]]);
        var third = (await log.ReadAfterAsync(2, 1))[0];
        await log.AppendAsync([[Commands.Put("lost", "1")]]);

        log.RollBackTo(3);
        await log.AppendAsync([[Commands.Put("d", "1")]]);

        var fourth = Assert.Single(await log.ReadAfterAsync(3, 10));
        Assert.Equal("d", fourth.Key);
        Assert.True(ChainHash.Continues(third.ChainHash, fourth), "seq 4 after the rollback does not continue seq 3's chain");
    }

    [Fact]
    public async Task A_log_rolled_back_to_a_checkpointed_and_trimmed_seq_continues_its_chain_from_that_seq()
    {
        // Redis restored from an older AOF has its seq, chain and stream from that moment: the chain of the last
        // entry it kept, even when compaction had trimmed that entry from the stream.
        var log = new InMemoryReplicatedLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "1"), Commands.Put("c", "1")]]);
        var third = (await log.ReadAfterAsync(2, 1))[0];
        await log.WriteCheckpointAsync(3, third.ChainHash, new MemoryStream([1, 2, 3]));
        await log.TrimAsync(4);
        await log.AppendAsync([[Commands.Put("lost", "1")]]);

        log.RollBackTo(3);
        await log.AppendAsync([[Commands.Put("d", "1")]]);

        var fourth = Assert.Single(await log.ReadAfterAsync(3, 10));
        Assert.True(ChainHash.Continues(third.ChainHash, fourth),
            "seq 4 after rolling back to the trimmed seq 3 does not continue seq 3's chain (nor the checkpoint's)");
    }
}
