using KvCluster.Bench.Measurement;

namespace KvCluster.Tests.Bench;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_one_to_a_million_are_within_one_percent()
    {
        var histogram = new LatencyHistogram();
        for (long value = 1; value <= 1_000_000; value++) histogram.Record(value);

        Assert.Equal(1_000_000, histogram.Count);
        Assert.Equal(1, histogram.Min);
        Assert.Equal(1_000_000, histogram.Max);
        Assert.Equal(500_000.5, histogram.Mean, precision: 3);
        AssertClose(500_000, histogram.ValueAtPercentile(50));
        AssertClose(900_000, histogram.ValueAtPercentile(90));
        AssertClose(990_000, histogram.ValueAtPercentile(99));
        AssertClose(999_000, histogram.ValueAtPercentile(99.9));
        Assert.Equal(1_000_000, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Small_values_are_exact_and_a_lone_outlier_is_the_max_not_the_p99()
    {
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 99; i++) histogram.Record(200);
        histogram.Record(5_000_000_000); // one 5 s stall

        Assert.Equal(200, histogram.ValueAtPercentile(50));
        Assert.Equal(200, histogram.ValueAtPercentile(99));
        Assert.Equal(5_000_000_000, histogram.ValueAtPercentile(99.9));
        Assert.Equal(5_000_000_000, histogram.Max);
    }

    [Fact]
    public void Merged_histograms_answer_as_one_that_recorded_everything()
    {
        var random = new Random(3);
        var whole = new LatencyHistogram();
        var parts = new[] { new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram() };
        for (int i = 0; i < 30_000; i++)
        {
            long value = (long)Math.Exp(random.NextDouble() * 20); // 1 ns .. ~0.5 s, spread over many octaves
            whole.Record(value);
            parts[i % parts.Length].Record(value);
        }
        var merged = new LatencyHistogram();
        foreach (var part in parts) merged.Add(part);

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Min, merged.Min);
        Assert.Equal(whole.Max, merged.Max);
        foreach (double percentile in (double[])[1, 50, 90, 99, 99.9, 100])
        {
            Assert.Equal(whole.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void Every_value_lands_in_a_bucket_at_most_one_128th_wider_than_itself()
    {
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            long value = random.NextInt64(0, (1L << 61) >> random.Next(0, 60)); // up to 73 years in ns, every octave
            int bucket = LatencyHistogram.BucketOf(value);
            long highest = LatencyHistogram.HighestValueIn(bucket);
            Assert.InRange(highest, value, value + Math.Max(0, value / 128));
            if (bucket > 0) Assert.True(LatencyHistogram.HighestValueIn(bucket - 1) < value, $"{value} belongs below bucket {bucket}");
        }
    }

    [Fact]
    public void An_empty_histogram_reports_zeros()
    {
        var summary = LatencySummary.From(new LatencyHistogram());

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0), summary);
    }

    private static void AssertClose(long expected, long actual) =>
        Assert.InRange(actual, expected, expected + expected / 100);
}
