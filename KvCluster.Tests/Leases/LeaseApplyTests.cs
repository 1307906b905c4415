using KvCluster.Log.Entries;
using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Leases;

/// <summary>The replicated half of leases: what grant, attach, detach, revoke and expiry do to the state, in log order.</summary>
public sealed class LeaseApplyTests
{
    private const string Lease = "00000000000000a1";
    private const string Other = "00000000000000b2";

    private readonly KvStateMachine _machine = new();
    private readonly LeaseLog _log = new();

    [Fact]
    public void A_grant_creates_a_lease_that_holds_no_keys_yet()
    {
        var result = _machine.Apply(_log.Grant(Lease, ttlSeconds: 30));

        Assert.Equal(new ApplyResult(ApplyOutcome.Created, 1), result);
        var lease = _machine.GetLease(Lease);
        Assert.NotNull(lease);
        Assert.Equal(30, lease.TtlSeconds);
        Assert.Equal(1, lease.GrantedSeq);
        Assert.Empty(lease.Keys);
        Assert.Equal(1, _machine.LeaseCount);
        Assert.Equal([Lease], _machine.LeaseIds());
    }

    [Fact]
    public void A_grant_whose_deadline_is_below_log_time_is_refused_and_changes_nothing()
    {
        // The expirer's revoke raced ahead of this grant: granting it now would leave a lease no one expires.
        string before = _machine.ComputeDigest();
        _log.NowUnixMs += 5_000;

        var result = _machine.Apply(_log.Grant(Lease, ttlSeconds: 2, deadlineUnixMs: _log.NowUnixMs - 1));

        Assert.Equal(ApplyOutcome.LeaseNotFound, result.Outcome);
        Assert.Null(_machine.GetLease(Lease));
        Assert.Equal(0, _machine.LeaseCount);
        Assert.Equal(ApplyOutcome.LeaseNotFound, _machine.Apply(_log.Put("lock", "me", lease: Lease)).Outcome);
        Assert.False(_machine.TryGet("lock", out _));
        Assert.NotEqual(before, _machine.ComputeDigest()); // only the applied seq and log time moved
    }

    [Fact]
    public void A_second_grant_of_a_held_id_is_refused()
    {
        _machine.Apply(_log.Grant(Lease, ttlSeconds: 10));

        Assert.Equal(ApplyOutcome.PreconditionFailed, _machine.Apply(_log.Grant(Lease, ttlSeconds: 99)).Outcome);
        Assert.Equal(10, _machine.GetLease(Lease)!.TtlSeconds);
    }

    [Fact]
    public void A_put_with_a_lease_attaches_the_key_and_a_put_with_an_unknown_lease_changes_nothing()
    {
        _machine.Apply(_log.Grant(Lease));

        Assert.Equal(ApplyOutcome.Created, _machine.Apply(_log.Put("service/a", "10.0.0.1", lease: Lease)).Outcome);
        var unknown = _machine.Apply(_log.Put("service/b", "10.0.0.2", lease: Other));

        Assert.Equal(new ApplyResult(ApplyOutcome.LeaseNotFound, 0), unknown);
        Assert.False(_machine.TryGet("service/b", out _));
        Assert.True(_machine.TryGet("service/a", out var record));
        Assert.Equal(Lease, record.Lease);
        Assert.Equal(["service/a"], _machine.GetLease(Lease)!.Keys);
    }

    [Fact]
    public void A_put_with_an_unknown_lease_does_not_replace_an_existing_value()
    {
        _machine.Apply(_log.Put("config", "v1"));

        Assert.Equal(ApplyOutcome.LeaseNotFound, _machine.Apply(_log.Put("config", "v2", lease: Other)).Outcome);

        Assert.True(_machine.TryGet("config", out var record));
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString(record.Value.Span));
    }

    [Fact]
    public void A_put_without_a_lease_detaches_the_key_so_the_revoke_leaves_it()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Put("kept", "1", lease: Lease));
        _machine.Apply(_log.Put("gone", "1", lease: Lease));
        _machine.Apply(_log.Put("kept", "2"));

        Assert.Equal(["gone"], _machine.GetLease(Lease)!.Keys);
        _machine.Apply(_log.Revoke(Lease));

        Assert.True(_machine.TryGet("kept", out var kept));
        Assert.Equal("", kept.Lease);
        Assert.False(_machine.TryGet("gone", out _));
    }

    [Fact]
    public void A_put_with_another_lease_moves_the_key_to_it()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Grant(Other));
        _machine.Apply(_log.Put("leader", "node-1", lease: Lease));

        _machine.Apply(_log.Put("leader", "node-2", lease: Other));

        Assert.Empty(_machine.GetLease(Lease)!.Keys);
        Assert.Equal(["leader"], _machine.GetLease(Other)!.Keys);
        _machine.Apply(_log.Revoke(Lease));
        Assert.True(_machine.TryGet("leader", out _));
    }

    [Fact]
    public void A_delete_detaches_the_key_and_a_later_put_without_the_lease_survives_the_revoke()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Put("k", "1", lease: Lease));
        _machine.Apply(_log.Delete("k"));

        Assert.Empty(_machine.GetLease(Lease)!.Keys);
        _machine.Apply(_log.Put("k", "again"));
        _machine.Apply(_log.Revoke(Lease));

        Assert.True(_machine.TryGet("k", out _));
    }

    [Fact]
    public void A_revoke_deletes_every_attached_key_in_key_order_with_the_revoked_cause()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Put("b", "1", lease: Lease));
        _machine.Apply(_log.Put("a", "1", lease: Lease));
        _machine.Apply(_log.Put("unleased", "1"));
        var changes = new List<KvChange>();

        var result = _machine.Apply(_log.Revoke(Lease), changes);

        Assert.Equal(new ApplyResult(ApplyOutcome.Deleted, 5), result);
        Assert.Equal(["a", "b"], changes.Select(c => c.Key));
        Assert.All(changes, c =>
        {
            Assert.Equal(KvChangeKind.Delete, c.Kind);
            Assert.Equal(5, c.Seq);
            Assert.Equal(KvChange.LeaseRevokedCause, c.Cause);
        });
        Assert.False(_machine.TryGet("a", out _));
        Assert.False(_machine.TryGet("b", out _));
        Assert.True(_machine.TryGet("unleased", out _));
        Assert.Equal(1, _machine.Count);
        Assert.Null(_machine.GetLease(Lease));
        Assert.Equal(0, _machine.LeaseCount);
    }

    [Fact]
    public void An_expiry_deletes_with_the_expired_cause_and_a_second_one_finds_nothing()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Put("session", "x", lease: Lease));
        var changes = new List<KvChange>();

        Assert.Equal(ApplyOutcome.Deleted, _machine.Apply(_log.Expire(Lease), changes).Outcome);
        var again = new List<KvChange>();
        Assert.Equal(new ApplyResult(ApplyOutcome.NotFound, 0), _machine.Apply(_log.Expire(Lease), again));

        Assert.Equal(KvChange.LeaseExpiredCause, Assert.Single(changes).Cause);
        Assert.Empty(again);
    }

    [Fact]
    public void A_revoke_of_an_unknown_lease_is_not_found_and_changes_no_key()
    {
        _machine.Apply(_log.Put("k", "1"));
        var changes = new List<KvChange>();

        Assert.Equal(new ApplyResult(ApplyOutcome.NotFound, 0), _machine.Apply(_log.Revoke(Lease), changes));

        Assert.Empty(changes);
        Assert.True(_machine.TryGet("k", out _));
    }

    [Fact]
    public void A_precondition_still_applies_to_a_leased_put()
    {
        _machine.Apply(_log.Grant(Lease));
        _machine.Apply(_log.Put("lock", "owner-1", lease: Lease));

        var second = _machine.Apply(_log.Put("lock", "owner-2", lease: Lease, precondition: Precondition.MustNotExist));

        Assert.Equal(ApplyOutcome.PreconditionFailed, second.Outcome);
        Assert.Equal(2, second.Version);
    }

    [Fact]
    public void Malformed_lease_entries_are_refused_before_anything_changes()
    {
        var noTtl = _log.Grant(Lease) with { Value = "ten seconds"u8.ToArray() };
        Assert.Throws<ArgumentException>(() => _machine.Apply(noTtl));
        Assert.Equal(0, _machine.AppliedSeq);
    }

    [Fact]
    public void Replicas_that_apply_the_same_lease_history_have_the_same_digest_and_a_different_attachment_shows_in_it()
    {
        var a = new KvStateMachine();
        var b = new KvStateMachine();
        var c = new KvStateMachine();
        var entries = new List<LogEntry>
        {
            _log.Grant(Lease), _log.Grant(Other), _log.Put("x", "1", lease: Lease), _log.Put("y", "1", lease: Other),
            _log.Put("z", "1"),
        };
        foreach (var entry in entries)
        {
            a.Apply(entry);
            b.Apply(entry);
        }
        // The same values and versions, but x held by the other lease: a state that must not look the same.
        foreach (var entry in entries.Select(e => e.Key == "x" ? e with { Lease = Other } : e)) c.Apply(entry);

        Assert.Equal(a.ComputeDigestWithSeq(), b.ComputeDigestWithSeq());
        Assert.NotEqual(a.ComputeDigest(), c.ComputeDigest());

        var expiry = _log.Expire(Other);
        a.Apply(expiry);
        b.Apply(expiry);
        Assert.Equal(a.ComputeDigestWithSeq(), b.ComputeDigestWithSeq());
        Assert.False(a.TryGet("y", out _));
    }
}
