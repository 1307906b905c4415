using BenchmarkDotNet.Attributes;
using KvCluster.Benchmarks.Fixtures;
using KvCluster.Node.StateMachine;

namespace KvCluster.Benchmarks;

/// <summary>
/// Applying decoded entries to a replica's state machine: puts that overwrite keys of a state holding 10,000 of
/// them, as the bench's write workload does. Each iteration starts from a freshly filled state (entries must come in
/// sequence), so one invocation applies 10,000 entries.
/// </summary>
[InvocationCount(1)]
public class ApplyBenchmarks
{
    public const int KeyCount = 10_000;

    private LogFixture _fill = null!;
    private LogFixture _overwrites = null!;
    private KvStateMachine _machine = new();

    [Params(100, 10_240)]
    public int ValueSize { get; set; }

    /// <summary>The state the last iteration applied to, for checking what the benchmark measured.</summary>
    public KvStateMachine Machine => _machine;

    [GlobalSetup]
    public void Setup()
    {
        _fill = new LogFixture(KeyCount, ValueSize);
        _overwrites = new LogFixture(KeyCount, ValueSize, firstSeq: KeyCount + 1, previousChain: _fill.LastChain);
    }

    [IterationSetup]
    public void Fill()
    {
        _machine = new KvStateMachine();
        foreach (var entry in _fill.Entries) _machine.Apply(entry);
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long ApplyOverwrites()
    {
        foreach (var entry in _overwrites.Entries) _machine.Apply(entry);
        return _machine.AppliedSeq;
    }
}
