namespace KvCluster.Tests.Linearizability;

/// <summary>The key-value model accepts what a correct log-ordered store can do and rejects what it cannot.</summary>
public sealed class KvModelTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    private static Operation<KvInput, KvOutput> Put(int client, string value, long call, long ret, long version, bool created,
        KvPrecondition precondition = KvPrecondition.None, long match = 0) =>
        new(client, new KvInput(KvOperation.Put, "k", value, precondition, match), call, new KvOutput(KvResult.Written, Version: version, Created: created), ret);

    private static Operation<KvInput, KvOutput> Get(int client, string? value, long version, long call, long ret) =>
        new(client, new KvInput(KvOperation.Get, "k"), call,
            value is null ? new KvOutput(KvResult.NotFound) : new KvOutput(KvResult.Found, value, version), ret);

    private static Verdict Check(params Operation<KvInput, KvOutput>[] history) =>
        LinearizabilityChecker.Check(KvModel.Instance, history, Limit).Verdict;

    [Fact]
    public void A_read_of_an_overwritten_value_after_the_overwrite_completed_is_a_violation()
    {
        var result = LinearizabilityChecker.Check(KvModel.Instance,
            [Put(1, "a", 0, 10, 3, true), Put(2, "b", 20, 30, 7, false), Get(3, "a", 3, 40, 50)], Limit);

        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Contains("key \"k\"", result.Violations[0]);
        Assert.Contains("get -> \"a\" v3", result.Violations[0]);
    }

    [Fact]
    public void A_read_concurrent_with_the_overwrite_may_see_either_value()
    {
        Assert.Equal(Verdict.Linearizable, Check(Put(1, "a", 0, 10, 3, true), Put(2, "b", 20, 30, 7, false), Get(3, "a", 3, 25, 50)));
        Assert.Equal(Verdict.Linearizable, Check(Put(1, "a", 0, 10, 3, true), Put(2, "b", 20, 30, 7, false), Get(3, "b", 7, 25, 50)));
    }

    [Fact]
    public void Versions_must_grow_in_real_time_order()
    {
        Assert.Equal(Verdict.NotLinearizable, Check(Put(1, "a", 0, 10, 5, true), Put(2, "b", 20, 30, 3, false)));
    }

    [Fact]
    public void A_write_with_unknown_outcome_may_take_effect_late_but_only_once()
    {
        var unknown = Operation<KvInput, KvOutput>.Unknown(1, new KvInput(KvOperation.Put, "k", "a"), 0);
        Assert.Equal(Verdict.Linearizable, Check(unknown, Get(2, null, 0, 10, 20), Put(3, "b", 30, 40, 8, true), Get(2, "a", 12, 50, 60)));
        // Once "a" was seen after "b", seeing "b" again would need "a" to have been written twice.
        Assert.Equal(Verdict.NotLinearizable,
            Check(unknown, Put(3, "b", 30, 40, 8, true), Get(2, "a", 12, 50, 60), Get(2, "b", 8, 70, 80)));
    }

    [Fact]
    public void Conditional_writes_follow_the_version_they_name()
    {
        // If-Match 3 succeeds on v3; a second If-Match 3 after it must fail.
        Assert.Equal(Verdict.Linearizable, Check(Put(1, "a", 0, 10, 3, true),
            Put(2, "b", 20, 30, 9, false, KvPrecondition.IfMatch, 3),
            new(3, new KvInput(KvOperation.Put, "k", "c", KvPrecondition.IfMatch, 3), 40, new KvOutput(KvResult.PreconditionFailed), 50)));
        Assert.Equal(Verdict.NotLinearizable, Check(Put(1, "a", 0, 10, 3, true),
            Put(2, "b", 20, 30, 9, false, KvPrecondition.IfMatch, 3), Put(3, "c", 40, 50, 12, false, KvPrecondition.IfMatch, 3)));
        // Create-only on an existing key cannot succeed.
        Assert.Equal(Verdict.NotLinearizable, Check(Put(1, "a", 0, 10, 3, true), Put(2, "b", 20, 30, 9, true, KvPrecondition.IfNoneMatch)));
    }

    [Fact]
    public void A_delete_makes_the_key_absent_until_the_next_write()
    {
        var delete = new Operation<KvInput, KvOutput>(2, new KvInput(KvOperation.Delete, "k"), 20, new KvOutput(KvResult.Deleted, Version: 6), 30);
        Assert.Equal(Verdict.Linearizable, Check(Put(1, "a", 0, 10, 3, true), delete, Get(3, null, 0, 40, 50)));
        Assert.Equal(Verdict.NotLinearizable, Check(Put(1, "a", 0, 10, 3, true), delete, Get(3, "a", 3, 40, 50)));
    }
}
