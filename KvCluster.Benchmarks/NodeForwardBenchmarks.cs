using System.Buffers;
using BenchmarkDotNet.Attributes;
using KvCluster.Log.Entries;

namespace KvCluster.Benchmarks;

/// <summary>
/// The receiving node's own work on a write besides HTTP: encoding it into the append request for the coordinator,
/// as CoordinatorClient does (into a pooled body).
/// </summary>
public class NodeForwardBenchmarks : BatchBenchmarks
{
    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int EncodeAppendRequest()
    {
        byte[] body = ArrayPool<byte>.Shared.Rent(AppendWireFormat.GetRequestLength(Log.Commands));
        int length = AppendWireFormat.WriteRequest(Log.Commands, body);
        ArrayPool<byte>.Shared.Return(body);
        return length;
    }
}
