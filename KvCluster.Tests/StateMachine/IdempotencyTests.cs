using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

public sealed class IdempotencyTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly KvStateMachine _machine = new(Window);
    private readonly LogBuilder _log = new();

    [Fact]
    public void A_retry_within_the_window_returns_the_earlier_result_and_changes_no_key()
    {
        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), _machine.Apply(_log.Put("a", "first", idempotencyKey: "req-1")));
        _log.NowUnixMs += 30_000;
        string before = _machine.ComputeDigest();

        var retry = _machine.Apply(_log.Put("a", "second", idempotencyKey: "req-1"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), retry);
        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal("first", Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal(1, record.Version);
        Assert.Equal(2, _machine.AppliedSeq);
        Assert.NotEqual(before, _machine.ComputeDigest()); // AppliedSeq and log time moved on
        Assert.True(_machine.TryGetIdempotentReplay("req-1", out var replay));
        Assert.Equal(new IdempotentReplay(1, new ApplyResult(ApplyOutcome.Created, 1)), replay);
    }

    [Fact]
    public void A_retry_of_a_delete_does_not_delete_a_key_written_since()
    {
        _machine.Apply(_log.Put("a", "1"));
        Assert.Equal(new ApplyResult(ApplyOutcome.Deleted, 2), _machine.Apply(_log.Delete("a", idempotencyKey: "del")));
        _machine.Apply(_log.Put("a", "recreated"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Deleted, 2), _machine.Apply(_log.Delete("a", idempotencyKey: "del")));

        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal(3, record.Version);
    }

    [Fact]
    public void A_failed_precondition_is_replayed_as_failed_even_if_it_would_now_succeed()
    {
        _machine.Apply(_log.Put("a", "1"));
        var failed = _machine.Apply(_log.Put("a", "2", Precondition.VersionMatches(99), idempotencyKey: "cas"));
        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 1), failed);
        _machine.Apply(_log.Put("a", "3"));

        Assert.Equal(failed, _machine.Apply(_log.Put("a", "2", Precondition.VersionMatches(3), idempotencyKey: "cas")));
        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal(3, record.Version);
    }

    [Fact]
    public void A_retry_just_inside_the_window_is_a_replay_and_at_the_window_it_is_applied_as_new()
    {
        _machine.Apply(_log.Put("a", "1", idempotencyKey: "req"));

        _log.NowUnixMs += (long)Window.TotalMilliseconds - 1;
        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), _machine.Apply(_log.Put("a", "2", idempotencyKey: "req")));

        _log.NowUnixMs += 1;
        Assert.Equal(new ApplyResult(ApplyOutcome.Updated, 3), _machine.Apply(_log.Put("a", "3", idempotencyKey: "req")));
        Assert.True(_machine.TryGetIdempotentReplay("req", out var replay));
        Assert.Equal(3, replay.Seq);
    }

    [Fact]
    public void An_expired_record_is_forgotten_once_log_time_passes_the_window()
    {
        _machine.Apply(_log.Put("a", "1", idempotencyKey: "old"));
        _log.NowUnixMs += (long)Window.TotalMilliseconds;

        _machine.Apply(_log.Put("unrelated", "x"));

        Assert.False(_machine.TryGetIdempotentReplay("old", out _));
    }

    [Fact]
    public void Log_time_stepping_back_does_not_revive_an_expired_record()
    {
        _machine.Apply(_log.Put("a", "1", idempotencyKey: "req"));
        _log.NowUnixMs += (long)Window.TotalMilliseconds;
        _machine.Apply(_log.Put("b", "x"));

        _log.NowUnixMs -= 10_000; // the sequencer's clock stepped back
        var result = _machine.Apply(_log.Put("a", "2", idempotencyKey: "req"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Updated, 3), result);
    }

    [Fact]
    public void Entries_without_an_idempotency_key_are_never_replayed()
    {
        _machine.Apply(_log.Put("a", "1"));

        Assert.Equal(ApplyOutcome.Updated, _machine.Apply(_log.Put("a", "1")).Outcome);
        Assert.False(_machine.TryGetIdempotentReplay("", out _));
    }
}
