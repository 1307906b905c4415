using System.Buffers;
using BenchmarkDotNet.Attributes;
using KvCluster.Benchmarks.Fixtures;
using KvCluster.RedisLog.Log;

namespace KvCluster.Benchmarks;

/// <summary>
/// The receiving node's own work on a write besides HTTP: encoding it into the append request for the coordinator,
/// as CoordinatorClient does (into a pooled body).
/// </summary>
public class NodeForwardBenchmarks
{
    private LogFixture _log = null!;

    [Params(100, 10_240)]
    public int ValueSize { get; set; }

    [GlobalSetup]
    public void Setup() => _log = new LogFixture(MicroBenchmarkConfig.BatchSize, ValueSize);

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int EncodeAppendRequest()
    {
        byte[] body = ArrayPool<byte>.Shared.Rent(AppendWireFormat.GetRequestLength(_log.Commands));
        int length = AppendWireFormat.WriteRequest(_log.Commands, body);
        ArrayPool<byte>.Shared.Return(body);
        return length;
    }
}
