using BenchmarkDotNet.Attributes;
using KvCluster.Benchmarks.Fixtures;

namespace KvCluster.Benchmarks;

/// <summary>What the per-batch benchmarks share: a batch of <see cref="MicroBenchmarkConfig.BatchSize"/> puts of each value size.</summary>
public abstract class BatchBenchmarks
{
    [Params(100, 10_240)]
    public int ValueSize { get; set; }

    /// <summary>The batch measured, also for checking what a benchmark did.</summary>
    public LogFixture Log { get; private set; } = null!;

    [GlobalSetup]
    public virtual void Setup() => Log = new LogFixture(MicroBenchmarkConfig.BatchSize, ValueSize);
}
