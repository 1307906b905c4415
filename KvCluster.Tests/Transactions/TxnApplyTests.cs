using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Transactions;
using static KvCluster.Tests.Transactions.TxnLog;

namespace KvCluster.Tests.Transactions;

/// <summary>A transaction entry applied by the state machine: decided at apply, atomically, the same on every replica.</summary>
public sealed class TxnApplyTests
{
    private readonly KvStateMachine _machine = new();
    private readonly TxnLog _log = new();

    private string Value(string key) => _machine.TryGet(key, out var record) ? Encoding.UTF8.GetString(record.Value.Span) : "<absent>";

    [Fact]
    public void When_every_compare_holds_the_success_branch_runs_and_each_put_is_at_the_txn_seq()
    {
        _machine.Apply(_log.Put("a", "1"));          // seq 1
        _machine.Apply(_log.Put("c", "on"));         // seq 2
        var txn = _log.Txn(When(
            [TxnCompare.VersionIs("a", 1), TxnCompare.ExistsIs("b", false), TxnCompare.ValueIs("c", Bytes("on"))],
            [TxnOp.Put("a", Bytes("x"), "text/plain"), TxnOp.Put("b", Bytes("y")), TxnOp.Delete("c")],
            [TxnOp.Put("a", Bytes("failure ran"))]));

        var result = _machine.Apply(txn);

        Assert.Equal(ApplyOutcome.TxnSucceeded, result.Outcome);
        Assert.Equal(3, result.Version);
        Assert.True(result.Txn!.Succeeded);
        Assert.Equal([TxnOpResult.Put("a", 3), TxnOpResult.Put("b", 3), TxnOpResult.Delete("c", deleted: true)], result.Txn.Results);
        Assert.Equal("x", Value("a"));
        Assert.Equal("y", Value("b"));
        Assert.Equal("<absent>", Value("c"));
        Assert.True(_machine.TryGet("a", out var a));
        Assert.Equal((3L, 1L, "text/plain"), (a.Version, a.CreatedSeq, a.ContentType));
    }

    public static TheoryData<string, TxnCompare> FailingCompares => new()
    {
        { "version differs", TxnCompare.VersionIs("a", 2) },
        { "version 0 of a key that exists", TxnCompare.VersionIs("a", 0) },
        { "version of an absent key", TxnCompare.VersionIs("absent", 1) },
        { "exists: false of a key that exists", TxnCompare.ExistsIs("a", false) },
        { "exists: true of an absent key", TxnCompare.ExistsIs("absent", true) },
        { "value differs", TxnCompare.ValueIs("a", Bytes("2")) },
        { "value is a prefix", TxnCompare.ValueIs("a", Bytes("")) },
        { "value of an absent key", TxnCompare.ValueIs("absent", Bytes("")) },
    };

    [Theory]
    [MemberData(nameof(FailingCompares))]
    public void One_compare_that_does_not_hold_runs_the_failure_branch_and_the_success_branch_changes_nothing(string why, TxnCompare failing)
    {
        _machine.Apply(_log.Put("a", "1"));
        var result = _machine.Apply(_log.Txn(When(
            [TxnCompare.ExistsIs("a", true), failing],
            [TxnOp.Put("a", Bytes("success ran")), TxnOp.Delete("a")],
            [TxnOp.Get("a"), TxnOp.Put("f", Bytes("failure ran"))])));

        Assert.True(result.Outcome == ApplyOutcome.TxnFailed, why);
        Assert.False(result.Txn!.Succeeded);
        Assert.Equal("1", Value("a"));
        Assert.Equal("failure ran", Value("f"));
        Assert.Equal(2, result.Txn.Results.Count);
        Assert.True(result.Txn.Results[0].Hit);
        Assert.Equal("1", Encoding.UTF8.GetString(result.Txn.Results[0].Value.Span));
    }

    [Fact]
    public void Compares_of_each_kind_hold_when_they_should()
    {
        _machine.Apply(_log.Put("a", "1"));
        var result = _machine.Apply(_log.Txn(When(
            [TxnCompare.VersionIs("a", 1), TxnCompare.VersionIs("absent", 0), TxnCompare.ExistsIs("a", true), TxnCompare.ExistsIs("absent", false),
             TxnCompare.ValueIs("a", Bytes("1"))],
            [TxnOp.Get("a")])));

        Assert.Equal(ApplyOutcome.TxnSucceeded, result.Outcome);
    }

    [Fact]
    public void A_get_sees_the_writes_before_it_in_its_branch_and_not_those_after()
    {
        _machine.Apply(_log.Put("k", "old"));
        var result = _machine.Apply(_log.Txn(When([],
            [TxnOp.Get("k"), TxnOp.Put("k", Bytes("new"), "text/plain"), TxnOp.Get("k"), TxnOp.Delete("k"), TxnOp.Get("k"), TxnOp.Get("never")])));

        var results = result.Txn!.Results;
        Assert.Equal(("old", 1L), (Encoding.UTF8.GetString(results[0].Value.Span), results[0].Version));
        Assert.Equal(("new", 2L, "text/plain"), (Encoding.UTF8.GetString(results[2].Value.Span), results[2].Version, results[2].ContentType));
        Assert.True(results[3].Hit);
        Assert.False(results[4].Hit);
        Assert.False(results[5].Hit);
        Assert.Equal("<absent>", Value("k"));
    }

    [Fact]
    public void Each_key_the_branch_changes_is_reported_once_at_the_txn_seq_and_reads_and_absent_deletes_report_nothing()
    {
        _machine.Apply(_log.Put("gone", "1"));
        var changes = new List<KvChange>();
        _machine.Apply(_log.Txn(When([TxnCompare.ExistsIs("gone", true)],
            [TxnOp.Put("p", Bytes("v"), "text/plain"), TxnOp.Get("gone"), TxnOp.Delete("gone"), TxnOp.Delete("never-was")])), changes);

        Assert.Collection(changes,
            put => Assert.Equal((2L, "p", KvChangeKind.Put, 2L, "text/plain", "v"),
                (put.Seq, put.Key, put.Kind, put.Version, put.ContentType, Encoding.UTF8.GetString(put.Value.Span))),
            delete => Assert.Equal((2L, "gone", KvChangeKind.Delete), (delete.Seq, delete.Key, delete.Kind)));

        var none = new List<KvChange>();
        _machine.Apply(_log.Txn(When([TxnCompare.ExistsIs("gone", true)], [TxnOp.Put("never", Bytes("v"))], [TxnOp.Get("p")])), none);
        Assert.Empty(none);
    }

    [Fact]
    public void An_entry_that_does_not_decode_changes_nothing_answers_TxnMalformed_and_the_log_goes_on()
    {
        _machine.Apply(_log.Put("a", "1"));
        string before = Value("a");

        var result = _machine.Apply(_log.RawTxn([1, 0xFF, 0xFF, 0xFF, 0x7F]));

        Assert.Equal(new ApplyResult(ApplyOutcome.TxnMalformed, 2), result);
        Assert.Equal(2, _machine.AppliedSeq);
        Assert.Equal(before, Value("a"));
        Assert.Equal(1, _machine.Count);
        Assert.Equal(ApplyOutcome.Created, _machine.Apply(_log.Put("b", "2")).Outcome);
    }

    [Fact]
    public void Replicas_applying_the_same_transactions_hold_equal_digests()
    {
        var log = new TxnLog();
        var entries = new List<KvCluster.Log.Entries.LogEntry>
        {
            log.Put("counter", "0"),
            log.Txn(When([TxnCompare.ValueIs("counter", Bytes("0"))], [TxnOp.Put("counter", Bytes("1")), TxnOp.Put("owner", Bytes("a"))])),
            log.Txn(When([TxnCompare.ValueIs("counter", Bytes("0"))], [TxnOp.Put("counter", Bytes("1"))], [TxnOp.Delete("owner")])),
            log.RawTxn([9]),
            log.Txn(When([TxnCompare.ExistsIs("owner", false)], [TxnOp.Put("b", new byte[] { 0, 1 }, "application/octet-stream")]), "idem-1"),
        };
        var one = new KvStateMachine();
        var two = new KvStateMachine();
        foreach (var entry in entries)
        {
            Assert.Equal(one.Apply(entry).Outcome, two.Apply(entry).Outcome);
        }

        Assert.Equal(one.ComputeDigest(), two.ComputeDigest());
        Assert.Equal("1", one.TryGet("counter", out var counter) ? Encoding.UTF8.GetString(counter.Value.Span) : null);
        Assert.False(one.TryGet("owner", out _));
        Assert.True(one.TryGet("b", out _));
    }

    [Fact]
    public void A_retry_with_the_same_idempotency_key_changes_nothing_and_answers_the_first_outcome_and_seq()
    {
        var first = _machine.Apply(_log.Txn(When([TxnCompare.ExistsIs("lock", false)], [TxnOp.Put("lock", Bytes("me"))]), "take-lock"));
        Assert.Equal(ApplyOutcome.TxnSucceeded, first.Outcome);
        _machine.Apply(_log.Delete("lock"));

        // The same transaction again: its compare would hold again, but it is a retry, so nothing runs.
        var retry = _machine.Apply(_log.Txn(When([TxnCompare.ExistsIs("lock", false)], [TxnOp.Put("lock", Bytes("me"))]), "take-lock"));

        Assert.Equal(new ApplyResult(ApplyOutcome.TxnSucceeded, 1), retry);
        Assert.False(_machine.TryGet("lock", out _));
        Assert.True(_machine.TryGetIdempotentReplay("take-lock", out var replay));
        Assert.Equal(new IdempotentReplay(1, new ApplyResult(ApplyOutcome.TxnSucceeded, 1)), replay);
    }

    [Fact]
    public void A_transactions_idempotency_record_survives_a_snapshot_and_the_restored_replica_answers_a_retry_alike()
    {
        _machine.Apply(_log.Txn(When([TxnCompare.ExistsIs("x", true)], [TxnOp.Put("x", Bytes("1"))], [TxnOp.Put("y", Bytes("2"))]), "failed-once"));
        using var snapshot = new MemoryStream();
        _machine.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        var restored = KvStateMachine.ReadSnapshot(snapshot);
        Assert.Equal(_machine.ComputeDigest(), restored.ComputeDigest());

        var retry = _log.Txn(When([TxnCompare.ExistsIs("x", true)], [TxnOp.Put("x", Bytes("1"))]), "failed-once");
        Assert.Equal(new ApplyResult(ApplyOutcome.TxnFailed, 1), restored.Apply(retry));
        Assert.Equal(new ApplyResult(ApplyOutcome.TxnFailed, 1), _machine.Apply(retry));
        Assert.Equal(_machine.ComputeDigest(), restored.ComputeDigest());
    }
}
