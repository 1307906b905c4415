using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.StateMachine;

public sealed class OrderedKeyIndexTests
{
    [Fact]
    public void Matches_a_sorted_set_through_many_chunk_splits_and_merges()
    {
        var random = new Random(42);
        var index = new OrderedKeyIndex();
        var expected = new SortedSet<string>(StringComparer.Ordinal);

        // Grow well past one chunk, then shrink, so both splits and merges happen.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                string key = "k" + random.Next(8_000).ToString("x");
                Assert.Equal(expected.Add(key), index.Add(key));
            }
            for (int i = 0; i < 20_000; i++)
            {
                string key = "k" + random.Next(8_000).ToString("x");
                Assert.Equal(expected.Remove(key), index.Remove(key));
            }
            Assert.Equal(expected.Count, index.Count);
            Assert.Equal(expected, index.From("", inclusive: true));
        }

        for (int i = 0; i < 200; i++)
        {
            string from = "k" + random.Next(8_000).ToString("x");
            Assert.Equal(expected.Where(key => string.CompareOrdinal(key, from) >= 0).Take(20), index.From(from, inclusive: true).Take(20));
            Assert.Equal(expected.Where(key => string.CompareOrdinal(key, from) > 0).Take(20), index.From(from, inclusive: false).Take(20));
        }
    }

    [Fact]
    public void Reading_from_past_the_last_key_or_an_empty_index_yields_nothing()
    {
        var index = new OrderedKeyIndex();
        Assert.Empty(index.From("", inclusive: true));

        index.Add("a");
        Assert.Empty(index.From("a", inclusive: false));
        Assert.Empty(index.From("b", inclusive: true));
        Assert.False(index.Remove("b"));
    }
}
