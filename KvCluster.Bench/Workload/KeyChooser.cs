namespace KvCluster.Bench.Workload;

/// <summary>Draws key indexes in [0, key count). Thread-safe: each call takes the caller's own random source.</summary>
public abstract class KeyChooser
{
    protected KeyChooser(int keyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyCount, 1);
        KeyCount = keyCount;
    }

    public int KeyCount { get; }

    public abstract int Next(Random random);

    public static KeyChooser Create(KeyDistribution distribution, int keyCount) => distribution switch
    {
        KeyDistribution.Uniform => new UniformKeyChooser(keyCount),
        KeyDistribution.Zipfian => new ZipfianKeyChooser(keyCount),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
    };
}
