using KvCluster.Bench.Workload;

namespace KvCluster.Tests.Bench;

public sealed class KeyChooserTests
{
    [Fact]
    public void Zipfian_keys_stay_in_range_and_the_first_keys_are_the_hot_ones()
    {
        const int Keys = 1000;
        var chooser = KeyChooser.Create(KeyDistribution.Zipfian, Keys);
        var random = new Random(11);
        var counts = new int[Keys];
        for (int i = 0; i < 200_000; i++) counts[chooser.Next(random)]++;

        // θ = 0.99 over 1000 keys: key 0 alone draws about 1/ζ(1000) ≈ 13%, the first 10 keys about 39%.
        Assert.InRange(counts[0] / 200_000.0, 0.11, 0.15);
        Assert.InRange(counts.Take(10).Sum() / 200_000.0, 0.35, 0.43);
        Assert.True(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500]);
    }

    [Fact]
    public void Uniform_keys_cover_the_key_space_evenly()
    {
        var chooser = KeyChooser.Create(KeyDistribution.Uniform, 10);
        var random = new Random(13);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++) counts[chooser.Next(random)]++;

        Assert.All(counts, count => Assert.InRange(count, 9_000, 11_000));
    }
}
