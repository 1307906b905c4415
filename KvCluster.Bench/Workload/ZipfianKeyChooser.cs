namespace KvCluster.Bench.Workload;

/// <summary>
/// Zipf-distributed key indexes by Gray et al.'s method ("Quickly generating billion-record synthetic
/// databases", the generator YCSB uses): O(n) set-up to sum ζ(n), then O(1) per draw. Index 0 is the
/// hottest key.
/// </summary>
public sealed class ZipfianKeyChooser : KeyChooser
{
    public const double DefaultTheta = 0.99;

    private readonly double _alpha;
    private readonly double _zetaN;
    private readonly double _eta;
    private readonly double _halfPowTheta;

    public ZipfianKeyChooser(int keyCount, double theta = DefaultTheta) : base(keyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(theta, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(theta, 1);
        _zetaN = Zeta(keyCount, theta);
        double zeta2 = Zeta(2, theta);
        _alpha = 1 / (1 - theta);
        _eta = (1 - Math.Pow(2.0 / keyCount, 1 - theta)) / (1 - zeta2 / _zetaN);
        _halfPowTheta = 1 + Math.Pow(0.5, theta);
    }

    public override int Next(Random random)
    {
        double u = random.NextDouble();
        double uz = u * _zetaN;
        if (uz < 1) return 0;
        if (uz < _halfPowTheta) return Math.Min(1, KeyCount - 1);
        long index = (long)(KeyCount * Math.Pow(_eta * u - _eta + 1, _alpha));
        return (int)Math.Clamp(index, 0, KeyCount - 1);
    }

    private static double Zeta(long n, double theta)
    {
        double sum = 0;
        for (long i = 1; i <= n; i++) sum += 1 / Math.Pow(i, theta);
        return sum;
    }
}
