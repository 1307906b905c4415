using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace KvCluster.Benchmarks;

/// <summary>How every micro-benchmark here runs: in this process (no generated project to restore and build) and with allocations counted.</summary>
public static class MicroBenchmarkConfig
{
    /// <summary>
    /// Commands per batch: about what one node's append request (6 at 100 B) and one sequencer call or tailer read
    /// (15) carry when scripts/bench.sh saturates the cluster with writes. Results are per command.
    /// </summary>
    public const int BatchSize = 16;

    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default);
}
