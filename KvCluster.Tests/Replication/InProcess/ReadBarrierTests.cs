using KvCluster.Log;
using KvCluster.Log.InMemory;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using static KvCluster.Tests.Log.Commands;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// Linearizable reads (KvCluster.Node/Replication/ReadBarrier.cs, docs/architecture.md §3) in-process over the
/// in-memory log: waiting reads share head fetches, each waits for the head as of its arrival, and a log that cannot
/// be read, or went backwards, fails the read rather than serving it stale.
/// </summary>
public sealed class ReadBarrierTests
{
    private static readonly TimeSpan Patience = InProcessNode.Patience;

    [Fact]
    public async Task Reads_that_arrive_while_a_head_fetch_is_in_flight_all_share_the_next_one()
    {
        var log = new InMemoryReplicatedLog();
        var watched = new WatchedLog(log);
        await using var node = await InProcessNode.Over(watched).StartAsync();
        await log.AppendAsync([[Put("a", "1"), Put("b", "1"), Put("c", "1")]]);
        await node.WaitUntilAppliedAsync(3);

        watched.HeadReplies.Close();
        var first = node.Barrier.WaitAsync(CancellationToken.None);
        await watched.HeadReplies.Held.WaitAsync(Patience);
        var arrivedDuringTheFetch = Enumerable.Range(0, 20).Select(_ => node.Barrier.WaitAsync(CancellationToken.None)).ToArray();
        watched.HeadReplies.Open();
        await Task.WhenAll([first, .. arrivedDuringTheFetch]).WaitAsync(Patience);

        // 21 reads, 2 round trips: the first read's, and one for the 20 that could not use it.
        Assert.Equal(2, watched.HeadReads);
    }

    [Fact]
    public async Task A_read_waits_until_the_node_applied_the_head_as_of_its_arrival_and_no_longer()
    {
        var log = new InMemoryReplicatedLog();
        var watched = new WatchedLog(log);
        await using var node = await InProcessNode.Over(watched).StartAsync();
        await log.AppendAsync([[Put("a", "1"), Put("b", "1"), Put("c", "1")]]);
        await node.WaitUntilAppliedAsync(3);

        // A read's head fetch has read 3 and is on its way back; the node is slow to read what comes next.
        watched.HeadReplies.Close();
        var early = node.Barrier.WaitAsync(CancellationToken.None);
        await watched.HeadReplies.Held.WaitAsync(Patience);
        watched.Reads.Close();
        // Two writes are acknowledged (in the log), then a second read arrives.
        await log.AppendAsync([[Put("a", "2"), Put("d", "1")]]);
        await watched.Reads.Held.WaitAsync(Patience);
        var late = node.Barrier.WaitAsync(CancellationToken.None);
        watched.HeadReplies.Open();

        await early.WaitAsync(Patience);
        await Task.Delay(200);
        Assert.False(late.IsCompleted, "a read that arrived after seq 5 was acknowledged went ahead with the node at seq 3");
        Assert.Equal(3, node.Replica.Applied.Value);

        watched.Reads.Open();
        await late.WaitAsync(Patience);
        Assert.True(node.Replica.Applied.Value >= 5);
        Assert.Equal("2", node.ValueOf("a"));
        Assert.Equal("1", node.ValueOf("d"));
    }

    [Fact]
    public async Task A_linearizable_read_fails_while_the_log_is_unreachable_and_local_and_session_reads_are_still_served()
    {
        var log = new InMemoryReplicatedLog();
        await using var node = await InProcessNode.Over(log).StartAsync();
        await log.AppendAsync([[Put("a", "1")]]);
        await node.WaitUntilAppliedAsync(1);

        log.Unavailable = true;

        await Assert.ThrowsAsync<LogUnavailableException>(() => node.Barrier.WaitAsync(CancellationToken.None).WaitAsync(Patience));
        // What the read endpoints answer with 503 (KvCluster.Node/Api/KvEndpoints.cs).
        string? refusal = await node.Reads.WaitAsync(ReadConsistency.Linearizable, 0, CancellationToken.None).WaitAsync(Patience);
        Assert.NotNull(refusal);
        Assert.Contains("could not be read from Redis", refusal);
        Assert.Null(await node.Reads.WaitAsync(ReadConsistency.Local, 0, CancellationToken.None));
        Assert.Null(await node.Reads.WaitAsync(ReadConsistency.Session, minSeq: 1, CancellationToken.None).WaitAsync(Patience));

        log.Unavailable = false;
        Assert.Null(await node.Reads.WaitAsync(ReadConsistency.Linearizable, 0, CancellationToken.None).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_read_that_finds_the_log_head_below_what_the_node_applied_fails_and_the_node_rebuilds_to_the_shorter_log()
    {
        var log = new InMemoryReplicatedLog();
        await using var node = await InProcessNode.Over(log).StartAsync();
        await log.AppendAsync([[Put("a", "1"), Put("b", "1"), Put("c", "1"), Put("a", "2"), Put("d", "1")]]);
        await node.WaitUntilAppliedAsync(5);

        // Redis lost its last two writes; nothing new is appended, so only the head shows it.
        log.RollBackTo(3);

        await Assert.ThrowsAsync<ReplicaDivergedException>(() => node.Barrier.WaitAsync(CancellationToken.None).WaitAsync(Patience));
        string? refusal = await node.Reads.WaitAsync(ReadConsistency.Linearizable, 0, CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("the log went backwards", refusal);

        await node.WaitUntilAsync(() => node.Replica.Divergence is null && node.Replica.Applied.Value == 3,
            () => $"applied {node.Replica.Applied.Value}, divergence {node.Replica.Divergence ?? "none"}");
        Assert.Null(await node.Reads.WaitAsync(ReadConsistency.Linearizable, 0, CancellationToken.None).WaitAsync(Patience));
        Assert.Equal("1", node.ValueOf("a"));
        Assert.Null(node.ValueOf("d"));
        Assert.Equal((await LogReplay.ReplayAsync(log)).ComputeDigest(), node.Digest);
    }
}
