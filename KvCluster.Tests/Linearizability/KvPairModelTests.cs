namespace KvCluster.Tests.Linearizability;

/// <summary>The pair model accepts what a log-ordered store with transactions can do and rejects what it cannot.</summary>
public sealed class KvPairModelTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    private static readonly TxnStep[] ReadBoth = [new(KvOperation.Get, "k0"), new(KvOperation.Get, "k1")];

    private static Operation<KvPairInput, KvPairOutput> Put(int client, string key, string value, long call, long ret, long version, bool created) =>
        new(client, new KvPairInput(new KvInput(KvOperation.Put, key, value), null), call,
            new KvPairOutput(new KvOutput(KvResult.Written, Version: version, Created: created), null), ret);

    private static Operation<KvPairInput, KvPairOutput> Get(int client, string key, string? value, long version, long call, long ret) =>
        new(client, new KvPairInput(new KvInput(KvOperation.Get, key), null), call,
            new KvPairOutput(value is null ? new KvOutput(KvResult.NotFound) : new KvOutput(KvResult.Found, value, version), null), ret);

    /// <summary>If k0 is at <paramref name="match"/>, write both keys; else read both.</summary>
    private static TxnInput WriteBothIf(long match, string tag) =>
        new([new TxnCompare("k0", TxnCompareKind.Version, Version: match)],
            [new(KvOperation.Put, "k0", tag + "a"), new(KvOperation.Put, "k1", tag + "b")], ReadBoth);

    private static Operation<KvPairInput, KvPairOutput> Txn(int client, TxnInput txn, long call, long ret, TxnOutput output) =>
        new(client, new KvPairInput(null, txn), call, new KvPairOutput(null, output), ret);

    private static TxnOutput Wrote(long seq) => new(true, seq, [new(Version: seq), new(Version: seq)]);

    private static Verdict Check(params Operation<KvPairInput, KvPairOutput>[] history) =>
        LinearizabilityChecker.Check(KvPairModel.Instance, history, Limit).Verdict;

    [Fact]
    public void A_transaction_whose_compare_held_writes_both_keys_at_its_seq()
    {
        Assert.Equal(Verdict.Linearizable, Check(
            Put(1, "k0", "x", 0, 10, 1, true),
            Txn(2, WriteBothIf(1, "t"), 20, 30, Wrote(2)),
            Get(3, "k1", "tb", 2, 40, 50),
            Get(3, "k0", "ta", 2, 60, 70)));
    }

    [Fact]
    public void Reading_one_key_of_a_transaction_and_then_the_other_from_before_it_is_a_violation()
    {
        var result = LinearizabilityChecker.Check(KvPairModel.Instance,
        [
            Put(1, "k1", "old", 0, 10, 1, true),
            Txn(2, WriteBothIf(0, "t"), 20, 100, Wrote(2)),
            Get(3, "k0", "ta", 2, 30, 40),
            Get(3, "k1", "old", 1, 50, 60),
        ], Limit);

        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Contains("keys k0 and k1", result.Violations[0]);
    }

    [Fact]
    public void A_transaction_that_succeeded_on_a_version_already_overwritten_is_a_violation()
    {
        Assert.Equal(Verdict.NotLinearizable, Check(
            Put(1, "k0", "x", 0, 10, 1, true),
            Put(1, "k0", "y", 20, 30, 2, false),
            Txn(2, WriteBothIf(1, "t"), 40, 50, Wrote(3))));
    }

    [Fact]
    public void A_failed_transaction_reads_the_state_that_made_its_compare_fail()
    {
        var txn = WriteBothIf(5, "t");
        Assert.Equal(Verdict.Linearizable, Check(
            Put(1, "k0", "x", 0, 10, 1, true),
            Txn(2, txn, 20, 30, new TxnOutput(false, 2, [new(Found: true, Value: "x", Version: 1), new(Found: false)]))));
        Assert.Equal(Verdict.NotLinearizable, Check(
            Put(1, "k0", "x", 0, 10, 1, true),
            Txn(2, txn, 20, 30, new TxnOutput(false, 2, [new(Found: false), new(Found: false)]))));
        // It cannot have failed: k0 was at version 5.
        Assert.Equal(Verdict.NotLinearizable, Check(
            Put(1, "k0", "x", 0, 10, 5, true),
            Txn(2, txn, 20, 30, new TxnOutput(false, 6, [new(Found: true, Value: "x", Version: 5), new(Found: false)]))));
    }

    [Fact]
    public void A_transaction_with_an_unseen_outcome_may_have_written_both_keys_or_neither()
    {
        var unknown = Operation<KvPairInput, KvPairOutput>.Unknown(2, new KvPairInput(null, WriteBothIf(0, "t")), 20);
        Assert.Equal(Verdict.Linearizable, Check(unknown, Get(3, "k0", "ta", 4, 30, 40), Get(3, "k1", "tb", 4, 50, 60)));
        Assert.Equal(Verdict.Linearizable, Check(unknown, Get(3, "k0", null, 0, 30, 40), Get(3, "k1", null, 0, 50, 60)));
        // Not half of it.
        Assert.Equal(Verdict.NotLinearizable, Check(unknown, Get(3, "k0", "ta", 4, 30, 40), Get(3, "k1", null, 0, 50, 60)));
    }

    [Fact]
    public void A_transaction_seq_must_follow_the_versions_of_both_keys()
    {
        Assert.Equal(Verdict.NotLinearizable, Check(
            Put(1, "k1", "x", 0, 10, 7, true),
            Txn(2, WriteBothIf(0, "t"), 20, 30, Wrote(6))));
    }

    [Fact]
    public void Keys_of_different_pairs_are_checked_apart()
    {
        var result = LinearizabilityChecker.Check(KvPairModel.Instance,
            [Put(1, "k0", "a", 0, 10, 1, true), Put(1, "k2", "b", 0, 10, 2, true), Put(1, "k3", "c", 0, 10, 3, true)], Limit);

        Assert.Equal(Verdict.Linearizable, result.Verdict);
        Assert.Equal(2, result.Partitions);
    }
}
