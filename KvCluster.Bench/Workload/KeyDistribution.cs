namespace KvCluster.Bench.Workload;

/// <summary>How keys are drawn from the key space.</summary>
public enum KeyDistribution
{
    /// <summary>Every key equally likely.</summary>
    Uniform,

    /// <summary>Zipf with θ = 0.99 (YCSB's default): a few keys take most of the traffic.</summary>
    Zipfian,
}
