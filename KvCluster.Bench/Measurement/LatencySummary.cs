using System.Text.Json.Serialization;

namespace KvCluster.Bench.Measurement;

/// <summary>Latency percentiles in milliseconds, as the report shows them.</summary>
public sealed record LatencySummary(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("p999")] double P999,
    [property: JsonPropertyName("max")] double Max)
{
    private const double NanosecondsPerMillisecond = 1_000_000;

    public static LatencySummary From(LatencyHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        return new LatencySummary(
            histogram.Count,
            Milliseconds(histogram.Mean),
            Milliseconds(histogram.ValueAtPercentile(50)),
            Milliseconds(histogram.ValueAtPercentile(90)),
            Milliseconds(histogram.ValueAtPercentile(99)),
            Milliseconds(histogram.ValueAtPercentile(99.9)),
            Milliseconds(histogram.Max));
    }

    // Microsecond resolution is all a reader needs, and keeps the JSON short.
    private static double Milliseconds(double nanoseconds) => Math.Round(nanoseconds / NanosecondsPerMillisecond, 3);
}
