using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.StateMachine;

public sealed class ListTests
{
    private readonly KvStateMachine _machine = new();
    private readonly LogBuilder _log = new();

    [Fact]
    public void Lists_only_keys_with_the_prefix_in_ordinal_order_with_version_and_size()
    {
        Put("user/b", "22");
        Put("user/a", "1");
        Put("user", "exact prefix");
        Put("users", "not under user/");
        Put("admin/x", "x");
        Put("user/Z", "333");

        var page = _machine.List("user/", after: null, limit: 10);

        Assert.Equal(["user/Z", "user/a", "user/b"], page.Items.Select(item => item.Key));
        Assert.Equal(new KvListItem("user/Z", 6, 3), page.Items[0]);
        Assert.Equal(new KvListItem("user/b", 1, 2), page.Items[2]);
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public void The_empty_prefix_lists_every_key_and_the_prefix_itself_is_included()
    {
        Put("b", "");
        Put("a", "");
        Put("ab", "");

        Assert.Equal(["a", "ab", "b"], _machine.List("", null, 10).Items.Select(item => item.Key));
        Assert.Equal(["a", "ab"], _machine.List("a", null, 10).Items.Select(item => item.Key));
    }

    [Fact]
    public void After_starts_strictly_past_the_cursor_even_when_that_key_does_not_exist()
    {
        foreach (string key in new[] { "k1", "k2", "k3", "k4" })
            Put(key, "v");

        Assert.Equal(["k3", "k4"], _machine.List("k", after: "k2", limit: 10).Items.Select(item => item.Key));
        Assert.Equal(["k3", "k4"], _machine.List("k", after: "k25", limit: 10).Items.Select(item => item.Key));
        Assert.Empty(_machine.List("k", after: "k4", limit: 10).Items);
        Assert.Equal(4, _machine.List("k", after: "a", limit: 10).Items.Count); // a cursor before the prefix
    }

    [Fact]
    public void Next_after_is_set_only_while_more_keys_with_the_prefix_remain()
    {
        foreach (string key in new[] { "p/1", "p/2", "p/3", "q/1" })
            Put(key, "v");

        var first = _machine.List("p/", null, limit: 2);
        Assert.Equal("p/2", first.NextAfter);

        var last = _machine.List("p/", first.NextAfter, limit: 2);
        Assert.Equal(["p/3"], last.Items.Select(item => item.Key));
        Assert.Null(last.NextAfter);

        var exact = _machine.List("p/", null, limit: 3);
        Assert.Equal(3, exact.Items.Count);
        Assert.Null(exact.NextAfter);
    }

    [Fact]
    public void Following_next_after_visits_every_key_with_the_prefix_exactly_once()
    {
        var random = new Random(1234);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 3000; i++)
        {
            string key = (random.Next(3) == 0 ? "other/" : "item/") + random.Next(5000);
            Put(key, "v");
            if (key.StartsWith("item/", StringComparison.Ordinal))
                expected.Add(key);
            if (random.Next(4) == 0)
            {
                _machine.Apply(_log.Delete(key));
                expected.Remove(key);
            }
        }

        var seen = new List<string>();
        string? after = null;
        int pages = 0;
        do
        {
            var page = _machine.List("item/", after, limit: 7);
            Assert.InRange(page.Items.Count, 1, 7);
            seen.AddRange(page.Items.Select(item => item.Key));
            after = page.NextAfter;
            pages++;
        }
        while (after is not null);

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 6) / 7, pages);
    }

    [Fact]
    public void Deleted_keys_are_not_listed()
    {
        Put("a", "1");
        Put("b", "1");
        _machine.Apply(_log.Delete("a"));

        Assert.Equal(["b"], _machine.List("", null, 10).Items.Select(item => item.Key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_limit_below_one_is_rejected(int limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _machine.List("", null, limit));
    }

    private void Put(string key, string value) => _machine.Apply(_log.Put(key, value));
}
