using System.Numerics;

namespace KvCluster.Bench.Measurement;

/// <summary>
/// A log-bucketed latency histogram in the manner of HdrHistogram: exact below 256 ns, and above that
/// 128 buckets per power of two, so any recorded value is reported within 1/128 (0.8%) of itself.
/// Fixed size (about 58 KiB), no allocation per value. Not thread-safe: one per worker, merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    // Values below 2^PrecisionBits get a bucket each; above, the top PrecisionBits bits of a value pick its bucket.
    private const int PrecisionBits = 8;
    private const int ExactBuckets = 1 << PrecisionBits;
    private const int BucketsPerOctave = ExactBuckets / 2;
    private const int BucketCount = ExactBuckets + (64 - PrecisionBits) * BucketsPerOctave;

    private readonly long[] _counts = new long[BucketCount];
    private long _sum;

    public long Count { get; private set; }

    /// <summary>The largest recorded value (exact), 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>The smallest recorded value (exact), 0 when empty.</summary>
    public long Min { get; private set; }

    public double Mean => Count == 0 ? 0 : (double)_sum / Count;

    /// <summary>Records one value, in nanoseconds; negative values count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0) value = 0;
        _counts[BucketOf(value)]++;
        Min = Count == 0 ? value : Math.Min(Min, value);
        Max = Math.Max(Max, value);
        Count++;
        _sum += value;
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0) return;
        for (int i = 0; i < BucketCount; i++) _counts[i] += other._counts[i];
        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Count += other.Count;
        _sum += other._sum;
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100]: the smallest value that at least that share of
    /// the recorded values do not exceed, to within the bucket width; 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0) return 0;
        if (percentile >= 100) return Max;

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int bucket = 0; bucket < BucketCount; bucket++)
        {
            seen += _counts[bucket];
            // Report the bucket's highest value (as HdrHistogram does), but never above what was really seen.
            if (seen >= rank) return Math.Clamp(HighestValueIn(bucket), Min, Max);
        }
        return Max;
    }

    internal static int BucketOf(long value)
    {
        if (value < ExactBuckets) return (int)value;
        int shift = BitOperations.Log2((ulong)value) - (PrecisionBits - 1);
        long mantissa = value >> shift; // in [ExactBuckets / 2, ExactBuckets)
        return ExactBuckets + (shift - 1) * BucketsPerOctave + (int)(mantissa - BucketsPerOctave);
    }

    internal static long HighestValueIn(int bucket)
    {
        if (bucket < ExactBuckets) return bucket;
        int shift = (bucket - ExactBuckets) / BucketsPerOctave + 1;
        long mantissa = (bucket - ExactBuckets) % BucketsPerOctave + BucketsPerOctave;
        // The last bucket's upper edge is past long.MaxValue.
        return shift + PrecisionBits >= 64 ? long.MaxValue : ((mantissa + 1) << shift) - 1;
    }
}
