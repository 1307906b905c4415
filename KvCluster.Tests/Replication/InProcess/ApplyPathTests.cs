using KvCluster.Log.Entries;
using KvCluster.Log.InMemory;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using static KvCluster.Tests.Log.Commands;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// The apply path (KvCluster.Node/Replication/LogTailer.cs) in-process over the in-memory log: entries applied in
/// order, a forwarded write answered with what its apply decided, and the ways the log can fail a node
/// (docs/architecture.md §2.6): a gap, a log that went back and took another history, a log that cannot be reached.
/// </summary>
public sealed class ApplyPathTests
{
    private static readonly TimeSpan Patience = InProcessNode.Patience;

    [Fact]
    public async Task Entries_appended_in_several_calls_are_applied_in_log_order()
    {
        var log = new InMemoryReplicatedLog();
        // Two entries per read: the tailer pages through what it finds.
        await using var node = await InProcessNode.Over(log).ReadingAtMost(2).StartAsync();

        await log.AppendAsync([[Put("a", "1"), Put("b", "1")]]);
        await log.AppendAsync([[Put("a", "2"), Delete("b")], [Put("c", "1")]]);
        // Written against version 1 of a, which is at version 3 by the time it is applied.
        await log.AppendAsync([[Put("a", "3") with { Precondition = Precondition.VersionMatches(1) }]]);
        await node.WaitUntilAppliedAsync(6);

        Assert.Equal("2", node.ValueOf("a"));
        Assert.True(node.Replica.Machine.TryGet("a", out var a));
        Assert.Equal(3, a.Version);
        Assert.Null(node.ValueOf("b"));
        Assert.Equal("1", node.ValueOf("c"));
        Assert.Equal((await LogReplay.ReplayAsync(log)).ComputeDigest(), node.Digest);
    }

    [Fact]
    public async Task A_write_this_node_forwarded_is_answered_with_the_result_its_apply_decided()
    {
        var log = new InMemoryReplicatedLog();
        await using var node = await InProcessNode.Over(log).Named("node-1").StartAsync();
        var create = Put("k", "1") with { OriginNode = "node-1", Precondition = Precondition.MustNotExist };
        var createAgain = Put("k", "2") with { OriginNode = "node-1", Precondition = Precondition.MustNotExist };
        // Registered before the append, as WriteProposer does, so the result cannot slip past.
        var created = node.Pending.Register(create.RequestId, Patience);
        var refused = node.Pending.Register(createAgain.RequestId, Patience);

        await log.AppendAsync([[create, createAgain]]);

        Assert.Equal(new WriteDecision(1, new ApplyResult(ApplyOutcome.Created, 1)), await created.Decided.WaitAsync(Patience));
        Assert.Equal(new WriteDecision(2, new ApplyResult(ApplyOutcome.PreconditionFailed, 1)), await refused.Decided.WaitAsync(Patience));
        Assert.Equal("1", node.ValueOf("k"));
    }

    [Fact]
    public async Task A_node_the_log_was_trimmed_past_rebuilds_from_the_checkpoint_to_the_state_of_one_that_applied_everything()
    {
        var log = new InMemoryReplicatedLog();
        await using var upToDate = await InProcessNode.Over(log).Named("node-1").StartAsync();
        await log.AppendAsync([[Put("a", "1"), Put("b", "1") with { IdempotencyKey = "idem-b" }]]);
        var stateWhenItWentDown = await LogReplay.ReplayAsync(log);
        await log.AppendAsync([[Put("a", "2"), Delete("b"), Put("c", "1")]]);
        await upToDate.WaitUntilAppliedAsync(5);
        // Compaction while node-2 is down: node-1's state becomes the checkpoint, and the log is trimmed behind it.
        await LogReplay.CheckpointAsync(upToDate.Replica.Machine, log);
        await log.TrimAsync(6);
        await log.AppendAsync([[Put("a", "3"), Put("d", "1")]]);

        await using var returning = await InProcessNode.Over(log).Named("node-2").StartingFrom(stateWhenItWentDown).StartAsync();
        await returning.WaitUntilAppliedAsync(7);
        await upToDate.WaitUntilAppliedAsync(7);

        Assert.Null(returning.Replica.Divergence);
        Assert.Equal(upToDate.Digest, returning.Digest);
        Assert.Equal("3", returning.ValueOf("a"));
        Assert.Null(returning.ValueOf("b"));
        Assert.Equal("1", returning.ValueOf("c"));
        Assert.True(returning.Replica.Machine.TryGetIdempotentReplay("idem-b", out var replay), "the idempotency record did not come with the checkpoint");
        Assert.Equal(2, replay.Seq);
        Assert.Contains(returning.TailerLog.Entries, e => e.Message.Contains("is at seq 2 but the log now starts at 6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_read_waiting_on_a_node_that_rebuilds_past_its_seq_is_answered()
    {
        var log = new InMemoryReplicatedLog();
        var watched = new WatchedLog(log);
        await using var node = await InProcessNode.Over(watched).StartAsync();
        await log.AppendAsync([[Put("a", "1")]]);
        await node.WaitUntilAppliedAsync(1);
        // The node stops reading for a while; meanwhile another node writes seq 2, compaction checkpoints it and trims.
        watched.Reads.Close();
        await log.AppendAsync([[Put("b", "1")]]);
        await watched.Reads.Held.WaitAsync(Patience);
        await LogReplay.CheckpointAsync(await LogReplay.ReplayAsync(log), log);
        await log.TrimAsync(3);
        await log.AppendAsync([[Put("c", "1")]]);

        // A client that wrote seq 2 elsewhere reads here with X-Kv-Min-Seq: 2 while the node is still at 1.
        var read = node.Reads.WaitAsync(ReadConsistency.Session, minSeq: 2, CancellationToken.None);
        watched.Reads.Open();
        await node.WaitUntilAppliedAsync(3);

        // Rebuilt to seq 3: the read may go ahead (null), at once, not after Kv:ReadTimeout with a 503.
        Assert.Null(await read.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_node_whose_log_went_back_and_took_another_history_reports_the_broken_chain_and_rebuilds_to_the_new_history()
    {
        var log = new InMemoryReplicatedLog();
        await using var node = await InProcessNode.Over(log).StartAsync();
        await log.AppendAsync([[Put("a", "1"), Put("b", "1"), Put("c", "1")]]);
        await log.AppendAsync([[Put("a", "lost"), Put("lost", "1")]]);
        await node.WaitUntilAppliedAsync(5);

        // Redis restarted without its last writes, then sequenced other ones at the same numbers and one more.
        log.RollBackTo(3);
        await log.AppendAsync([[Put("a", "2"), Delete("b"), Put("new", "1")]]);

        await node.WaitUntilAsync(() => node.Replica.Applied.Value == 6 && node.ValueOf("new") is not null,
            () => $"applied {node.Replica.Applied.Value}, divergence {node.Replica.Divergence ?? "none"}");
        Assert.Null(node.Replica.Divergence);
        Assert.Equal((await LogReplay.ReplayAsync(log)).ComputeDigest(), node.Digest);
        Assert.Equal("2", node.ValueOf("a"));
        Assert.Null(node.ValueOf("lost"));
        Assert.Null(node.ValueOf("b"));
        Assert.Contains(node.TailerLog.Errors, m => m.Contains("diverged from the log at seq 6: the hash chain is broken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_keeps_retrying_an_unreachable_log_and_resumes_where_it_stopped_once_the_log_is_back()
    {
        var log = new InMemoryReplicatedLog();
        var watched = new WatchedLog(log);
        await using var node = await InProcessNode.Over(watched).StartAsync();
        await log.AppendAsync([[Put("n", "1"), Put("n", "2"), Put("n", "3")]]);
        await node.WaitUntilAppliedAsync(3);

        // Entries 4 to 6 are in the log when it becomes unreachable, on the tailer's way to read them.
        watched.Reads.Close();
        await log.AppendAsync([[Put("n", "4"), Put("n", "5"), Put("n", "6")]]);
        await watched.Reads.Held.WaitAsync(Patience);
        log.Unavailable = true;
        watched.Reads.Open();
        await node.WaitUntilAsync(() => watched.FailedReads >= 2, () => $"{watched.FailedReads} failed reads");
        Assert.Equal(3, node.Replica.Applied.Value);

        log.Unavailable = false;
        await node.WaitUntilAppliedAsync(6);
        await log.AppendAsync([[Put("n", "7")]]);
        await node.WaitUntilAppliedAsync(7);

        Assert.Equal(7, node.Replica.Applied.Value);
        Assert.Equal("7", node.ValueOf("n"));
        Assert.Null(node.Replica.Divergence);
        Assert.Equal((await LogReplay.ReplayAsync(log)).ComputeDigest(), node.Digest);
        Assert.Contains(node.TailerLog.Entries, e => e.Message.StartsWith("Tailing the log failed", StringComparison.Ordinal));
    }
}
