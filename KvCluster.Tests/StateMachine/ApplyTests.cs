using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

public sealed class ApplyTests
{
    private readonly KvStateMachine _machine = new();
    private readonly LogBuilder _log = new();

    [Fact]
    public void Put_on_a_new_key_creates_it_at_the_entry_seq()
    {
        var result = _machine.Apply(_log.Put("a", "hello", contentType: "application/json"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), result);
        Assert.True(result.Succeeded);
        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal("hello", Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal("application/json", record.ContentType);
        Assert.Equal(1, record.Version);
        Assert.Equal(1, record.CreatedSeq);
        Assert.Equal(1, _machine.AppliedSeq);
    }

    [Fact]
    public void Put_on_an_existing_key_updates_the_version_and_keeps_the_created_seq()
    {
        _machine.Apply(_log.Put("a", "1"));
        _machine.Apply(_log.Put("other", "x"));

        var result = _machine.Apply(_log.Put("a", "2", contentType: "text/csv"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Updated, 3), result);
        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal("2", Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal("text/csv", record.ContentType);
        Assert.Equal(3, record.Version);
        Assert.Equal(1, record.CreatedSeq);
    }

    [Fact]
    public void Delete_removes_the_key_and_a_later_put_starts_a_new_incarnation()
    {
        _machine.Apply(_log.Put("a", "1"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Deleted, 2), _machine.Apply(_log.Delete("a")));
        Assert.False(_machine.TryGet("a", out _));

        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 3), _machine.Apply(_log.Put("a", "again")));
        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal(3, record.CreatedSeq);
    }

    [Fact]
    public void Delete_of_an_absent_key_is_not_found_and_still_advances_the_applied_seq()
    {
        var result = _machine.Apply(_log.Delete("missing"));

        Assert.Equal(new ApplyResult(ApplyOutcome.NotFound, 0), result);
        Assert.False(result.Succeeded);
        Assert.Equal(1, _machine.AppliedSeq);
    }

    [Fact]
    public void Keys_are_compared_ordinally()
    {
        _machine.Apply(_log.Put("Key", "upper"));

        Assert.False(_machine.TryGet("key", out _));
        Assert.Equal(ApplyOutcome.Created, _machine.Apply(_log.Put("key", "lower")).Outcome);
        Assert.Equal(2, _machine.Count);
    }

    [Fact]
    public void Put_if_none_match_creates_an_absent_key()
    {
        var result = _machine.Apply(_log.Put("a", "1", Precondition.MustNotExist));

        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), result);
    }

    [Fact]
    public void Put_if_none_match_on_an_existing_key_fails_with_its_version_and_changes_nothing()
    {
        _machine.Apply(_log.Put("a", "1"));

        var result = _machine.Apply(_log.Put("a", "2", Precondition.MustNotExist));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 1), result);
        AssertValue("a", "1", version: 1);
    }

    [Fact]
    public void Put_if_match_with_the_current_version_updates()
    {
        _machine.Apply(_log.Put("a", "1"));

        var result = _machine.Apply(_log.Put("a", "2", Precondition.VersionMatches(1)));

        Assert.Equal(new ApplyResult(ApplyOutcome.Updated, 2), result);
        AssertValue("a", "2", version: 2);
    }

    [Fact]
    public void Put_if_match_with_a_stale_version_fails_with_the_current_version()
    {
        _machine.Apply(_log.Put("a", "1"));
        _machine.Apply(_log.Put("a", "2"));

        var result = _machine.Apply(_log.Put("a", "3", Precondition.VersionMatches(1)));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 2), result);
        AssertValue("a", "2", version: 2);
    }

    [Fact]
    public void Put_if_match_on_an_absent_key_fails_with_version_zero_and_creates_nothing()
    {
        var result = _machine.Apply(_log.Put("a", "1", Precondition.VersionMatches(1)));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 0), result);
        Assert.False(_machine.TryGet("a", out _));
        Assert.Equal(1, _machine.AppliedSeq);
    }

    [Fact]
    public void Delete_if_match_with_the_current_version_deletes()
    {
        _machine.Apply(_log.Put("a", "1"));

        Assert.Equal(new ApplyResult(ApplyOutcome.Deleted, 2), _machine.Apply(_log.Delete("a", Precondition.VersionMatches(1))));
        Assert.False(_machine.TryGet("a", out _));
    }

    [Fact]
    public void Delete_if_match_with_a_stale_version_fails_and_keeps_the_key()
    {
        _machine.Apply(_log.Put("a", "1"));
        _machine.Apply(_log.Put("a", "2"));

        var result = _machine.Apply(_log.Delete("a", Precondition.VersionMatches(1)));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 2), result);
        AssertValue("a", "2", version: 2);
    }

    [Fact]
    public void Delete_if_match_on_an_absent_key_is_a_failed_precondition_not_a_not_found()
    {
        var result = _machine.Apply(_log.Delete("a", Precondition.VersionMatches(7)));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 0), result);
    }

    [Fact]
    public void Delete_if_none_match_fails_on_an_existing_key_and_is_not_found_on_an_absent_one()
    {
        _machine.Apply(_log.Put("a", "1"));

        Assert.Equal(new ApplyResult(ApplyOutcome.PreconditionFailed, 1), _machine.Apply(_log.Delete("a", Precondition.MustNotExist)));
        AssertValue("a", "1", version: 1);
        Assert.Equal(new ApplyResult(ApplyOutcome.NotFound, 0), _machine.Apply(_log.Delete("b", Precondition.MustNotExist)));
    }

    [Fact]
    public void An_entry_after_a_gap_throws_with_expected_and_actual_and_changes_nothing()
    {
        _machine.Apply(_log.Put("a", "1"));
        _machine.Apply(_log.Put("b", "2"));
        string before = _machine.ComputeDigest();

        var skipped = _log.Put("c", "skipped");
        var afterGap = _log.Put("a", "after gap", idempotencyKey: "retry-1");
        var gap = Assert.Throws<LogGapException>(() => _machine.Apply(afterGap));

        Assert.Equal(3, gap.Expected);
        Assert.Equal(4, gap.Actual);
        Assert.Equal(2, _machine.AppliedSeq);
        Assert.Equal(before, _machine.ComputeDigest());
        Assert.False(_machine.TryGetIdempotentReplay("retry-1", out _));

        // The log can still be resumed at the missing entry.
        Assert.Equal(ApplyOutcome.Created, _machine.Apply(skipped).Outcome);
        Assert.Equal(ApplyOutcome.Updated, _machine.Apply(afterGap).Outcome);
    }

    [Fact]
    public void An_entry_applied_twice_is_rejected_as_a_gap()
    {
        var first = _log.Put("a", "1");
        _machine.Apply(first);

        var gap = Assert.Throws<LogGapException>(() => _machine.Apply(first));

        Assert.Equal(2, gap.Expected);
        Assert.Equal(1, gap.Actual);
    }

    [Fact]
    public void Count_and_value_bytes_follow_creates_updates_and_deletes()
    {
        Assert.Equal((0, 0L), (_machine.Count, _machine.ValueBytes));

        _machine.Apply(_log.Put("a", "12345"));
        _machine.Apply(_log.Put("b", "123"));
        Assert.Equal((2, 8L), (_machine.Count, _machine.ValueBytes));

        _machine.Apply(_log.Put("a", "1"));
        Assert.Equal((2, 4L), (_machine.Count, _machine.ValueBytes));

        _machine.Apply(_log.Put("b", "x", Precondition.MustNotExist));
        _machine.Apply(_log.Delete("missing"));
        Assert.Equal((2, 4L), (_machine.Count, _machine.ValueBytes));

        _machine.Apply(_log.Delete("b"));
        Assert.Equal((1, 1L), (_machine.Count, _machine.ValueBytes));
    }

    [Fact]
    public void A_stored_value_does_not_change_when_the_entry_buffer_is_reused()
    {
        byte[] buffer = "original"u8.ToArray();
        _machine.Apply(new LogEntry { Seq = 1, Operation = LogOperation.Put, Key = "a", Value = buffer });

        buffer.AsSpan().Fill((byte)'X');

        Assert.True(_machine.TryGet("a", out var record));
        Assert.Equal("original", Encoding.UTF8.GetString(record.Value.Span));
    }

    [Fact]
    public void Replicas_that_applied_the_same_log_have_the_same_digest_and_a_different_value_changes_it()
    {
        var entries = new[] { _log.Put("a", "1"), _log.Put("b", "2"), _log.Delete("a") };
        var first = new KvStateMachine();
        var second = new KvStateMachine();
        foreach (var entry in entries)
        {
            first.Apply(entry);
            second.Apply(entry);
        }
        Assert.Equal(first.ComputeDigest(), second.ComputeDigest());

        var third = new KvStateMachine();
        third.Apply(entries[0]);
        third.Apply(entries[1] with { Value = "3"u8.ToArray() });
        third.Apply(entries[2]);
        Assert.NotEqual(first.ComputeDigest(), third.ComputeDigest());
    }

    private void AssertValue(string key, string value, long version)
    {
        Assert.True(_machine.TryGet(key, out var record));
        Assert.Equal(value, Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal(version, record.Version);
    }
}
