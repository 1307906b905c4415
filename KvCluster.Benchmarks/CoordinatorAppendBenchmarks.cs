using BenchmarkDotNet.Attributes;
using KvCluster.Log.Entries;

namespace KvCluster.Benchmarks;

/// <summary>
/// The coordinator's own work per command besides HTTP and Redis: decoding a node's append request, and hashing each
/// command for the chain (SequencerScript does it so Redis need not). Writing the script call onto the socket is
/// StackExchange.Redis's work and is not measured here.
/// </summary>
public class CoordinatorAppendBenchmarks : BatchBenchmarks
{
    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeRequest() => AppendWireFormat.DecodeRequest(Log.AppendRequest).Length;

    /// <summary>Returns the bytes the script call carries per batch: every command and its digest.</summary>
    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeAndDigest()
    {
        var commands = AppendWireFormat.DecodeRequest(Log.AppendRequest);
        // One array for the batch's digests, as SequencerScript allocates it.
        var digests = new byte[commands.Length * ChainHash.CommandDigestLength];
        int carried = digests.Length;
        for (int i = 0; i < commands.Length; i++)
        {
            var encoded = commands[i].Encoded.Span;
            ChainHash.WriteCommandDigest(encoded, digests.AsSpan(i * ChainHash.CommandDigestLength, ChainHash.CommandDigestLength));
            carried += encoded.Length;
        }
        return carried;
    }
}
