using System.Diagnostics;
using KvCluster.Log.Entries;
using KvCluster.Log.InMemory;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Log;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// The write path in-process: WriteProposer → CoordinatorClient → HTTP → the coordinator's AppendBatcher → the
/// in-memory log → LogTailer → the writer's answer (docs/architecture.md §1). A write is answered once this node
/// applied it, with what its apply decided; with the log down it is answered 503 within its timeout.
/// </summary>
public sealed class WritePathTests
{
    [Fact]
    public async Task A_write_is_answered_once_this_node_applied_it_with_its_seq_and_result()
    {
        var log = new InMemoryReplicatedLog();
        await using var coordinator = await InProcessCoordinator.StartAsync(log);
        await using var node = await InProcessNode.Over(log).Named("node-1").WritingThrough(coordinator).StartAsync();

        var created = await node.WriteAsync(ClientWrite.Put("k", "1"));
        string? readRightAfterTheAnswer = node.ValueOf("k");
        var updated = await node.WriteAsync(ClientWrite.Put("k", "2"));
        var deleted = await node.WriteAsync(ClientWrite.Delete("k"));
        var deletedAgain = await node.WriteAsync(ClientWrite.Delete("k"));

        Assert.Equal(new WriteOutcome.Applied(1, new ApplyResult(ApplyOutcome.Created, 1)), created);
        Assert.Equal("1", readRightAfterTheAnswer);
        Assert.Equal(new WriteOutcome.Applied(2, new ApplyResult(ApplyOutcome.Updated, 2)), updated);
        Assert.Equal(new WriteOutcome.Applied(3, new ApplyResult(ApplyOutcome.Deleted, 3)), deleted);
        Assert.Equal(new WriteOutcome.Applied(4, new ApplyResult(ApplyOutcome.NotFound, 0)), deletedAgain);
        Assert.Null(node.ValueOf("k"));
        Assert.All(await log.ReadAfterAsync(0, 10), e => Assert.Equal("node-1", e.OriginNode));
    }

    [Fact]
    public async Task Concurrent_writes_are_each_answered_with_the_seq_and_result_of_their_own_entry()
    {
        var log = new InMemoryReplicatedLog();
        await using var coordinator = await InProcessCoordinator.StartAsync(log);
        await using var node = await InProcessNode.Over(log).WritingThrough(coordinator).StartAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => node.WriteAsync(ClientWrite.Put($"k{i}", $"v{i}"))));

        var applied = outcomes.Select(o => Assert.IsType<WriteOutcome.Applied>(o)).ToArray();
        Assert.Equal(Enumerable.Range(1, 30).Select(s => (long)s), applied.Select(a => a.Seq).Order());
        var entries = await log.ReadAfterAsync(0, 100);
        for (int i = 0; i < applied.Length; i++)
        {
            Assert.Equal($"k{i}", entries[(int)applied[i].Seq - 1].Key);
            Assert.Equal(new ApplyResult(ApplyOutcome.Created, applied[i].Seq), applied[i].Result);
        }
    }

    [Fact]
    public async Task With_the_log_unreachable_a_write_is_answered_unavailable_within_its_timeout_and_takes_no_effect()
    {
        var writeTimeout = TimeSpan.FromMilliseconds(300);
        var log = new InMemoryReplicatedLog();
        await using var coordinator = await InProcessCoordinator.StartAsync(log);
        await using var node = await InProcessNode.Over(log).WritingThrough(coordinator).WithWriteTimeout(writeTimeout).StartAsync();
        log.Unavailable = true;

        var clock = Stopwatch.StartNew();
        var outcome = await node.WriteAsync(ClientWrite.Put("k", "lost"));
        var answeredAfter = clock.Elapsed;

        // Unavailable is the endpoints' 503 "Log unavailable" (KvCluster.Node/Api/KvEndpoints.cs).
        Assert.IsType<WriteOutcome.Unavailable>(outcome);
        // Not after the resilience handler's 10 s attempt or 30 s total timeout: a second of slack for a busy machine.
        Assert.InRange(answeredAfter, TimeSpan.Zero, writeTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(0, node.Replica.Applied.Value);

        // The node's client gives up its append at its own deadline, a moment after the writer's; then the log is back
        // and the next command sequenced is the first: the refused write never reached it.
        await Task.Delay(200);
        log.Unavailable = false;
        Assert.Equal([new AppendOutcome(1, false)], await log.AppendAsync([[Commands.Put("other", "1")]]));
        await node.WaitUntilAppliedAsync(1);
        Assert.Null(node.ValueOf("k"));
    }

    [Fact]
    public async Task Of_two_create_only_writes_of_one_key_through_two_nodes_the_first_in_the_log_wins_when_applied()
    {
        var log = new InMemoryReplicatedLog();
        await using var coordinator = await InProcessCoordinator.StartAsync(log);
        await using var node1 = await InProcessNode.Over(log).Named("node-1").WritingThrough(coordinator).StartAsync();
        await using var node2 = await InProcessNode.Over(log).Named("node-2").WritingThrough(coordinator).StartAsync();

        var outcomes = await Task.WhenAll(
            node1.WriteAsync(ClientWrite.Create("k", "from node-1")),
            node2.WriteAsync(ClientWrite.Create("k", "from node-2")));

        var applied = outcomes.Select(o => Assert.IsType<WriteOutcome.Applied>(o)).ToArray();
        var winner = Assert.Single(applied, a => a.Result.Outcome == ApplyOutcome.Created);
        var loser = Assert.Single(applied, a => a.Result.Outcome == ApplyOutcome.PreconditionFailed);
        // Both were sequenced; the second was refused when applied, naming the version the first created (the 412).
        Assert.Equal(winner.Seq + 1, loser.Seq);
        Assert.Equal(winner.Seq, loser.Result.Version);
        await node1.WaitUntilAppliedAsync(2);
        await node2.WaitUntilAppliedAsync(2);
        var winnerEntry = (await log.ReadAfterAsync(winner.Seq - 1, 1))[0];
        Assert.Equal($"from {winnerEntry.OriginNode}", node1.ValueOf("k"));
        Assert.Equal(node1.Digest, node2.Digest);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_on_any_node_is_answered_with_the_first_result_and_applied_once()
    {
        var log = new InMemoryReplicatedLog();
        await using var coordinator = await InProcessCoordinator.StartAsync(log);
        await using var node1 = await InProcessNode.Over(log).Named("node-1").WritingThrough(coordinator).StartAsync();
        await using var node2 = await InProcessNode.Over(log).Named("node-2").WritingThrough(coordinator).StartAsync();
        var write = ClientWrite.Put("k", "1") with { IdempotencyKey = "idem-1" };

        var first = await node1.WriteAsync(write);
        var retryHere = await node1.WriteAsync(write);
        var retryElsewhere = await node2.WriteAsync(write);
        await node1.WriteAsync(ClientWrite.Put("k", "2"));
        var retryAfterAnUpdate = await node2.WriteAsync(write);

        Assert.Equal(new WriteOutcome.Applied(1, new ApplyResult(ApplyOutcome.Created, 1)), first);
        Assert.Equal(first, retryHere);
        Assert.Equal(first, retryElsewhere);
        Assert.Equal(first, retryAfterAnUpdate);
        Assert.Equal(2, await log.ReadHeadAsync());
        Assert.Equal("2", node1.ValueOf("k"));
    }
}
