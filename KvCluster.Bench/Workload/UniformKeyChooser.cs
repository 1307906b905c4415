namespace KvCluster.Bench.Workload;

public sealed class UniformKeyChooser(int keyCount) : KeyChooser(keyCount)
{
    public override int Next(Random random) => random.Next(KeyCount);
}
