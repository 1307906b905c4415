using System.Diagnostics;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Replication;

/// <summary>The table a node's writers wait in: a write ends when it is applied here, or at its deadline.</summary>
public sealed class PendingWritesTests
{
    [Fact]
    public async Task A_write_nothing_decides_times_out_soon_after_its_deadline()
    {
        using var pending = new PendingWrites();
        var clock = Stopwatch.StartNew();
        var write = pending.Register("r1", TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<WriteTimedOutException>(() => write.Decided.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300) + PendingWrites.SweepInterval * 20);
        Assert.False(write.IsSequenced);
    }

    [Fact]
    public async Task A_write_applied_before_its_deadline_answers_with_its_result_and_is_not_timed_out_later()
    {
        using var pending = new PendingWrites();
        var write = pending.Register("r1", TimeSpan.FromMilliseconds(300));

        pending.Complete("r1", new AppliedWrite(7, new ApplyResult(ApplyOutcome.Created, 7)));
        var decision = await write.Decided.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(PendingWrites.SweepInterval * 5);

        Assert.Equal(7, decision.Seq);
        Assert.Equal(ApplyOutcome.Created, decision.Result?.Outcome);
        Assert.True(write.Decided.IsCompletedSuccessfully);
        Assert.True(write.TryGetAppliedHere(out var applied));
        Assert.Equal(7, applied.Seq);
    }
}
