using System.Buffers;
using BenchmarkDotNet.Attributes;
using KvCluster.Log.Entries;
using KvCluster.Log.Resp;

namespace KvCluster.Benchmarks;

/// <summary>
/// The coordinator's work per command besides HTTP: decoding a node's append request, hashing each command for
/// the chain (SequencerScript does it so Redis need not) and writing the commands into the script call.
/// </summary>
public class CoordinatorAppendBenchmarks : BatchBenchmarks
{
    private static readonly ReadOnlyMemory<byte> Verb = "EVALSHA"u8.ToArray();
    private readonly List<ReadOnlyMemory<byte>> _parts = [];
    private readonly ArrayBufferWriter<byte> _call = new();
    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeRequest() => AppendWireFormat.DecodeRequest(Log.AppendRequest).Length;

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeDigestAndWriteCall()
    {
        var commands = AppendWireFormat.DecodeRequest(Log.AppendRequest);
        var digests = new byte[commands.Length * ChainHash.CommandDigestLength];
        _parts.Clear();
        _parts.Add(Verb);
        for (int i = 0; i < commands.Length; i++)
        {
            var digest = digests.AsMemory(i * ChainHash.CommandDigestLength, ChainHash.CommandDigestLength);
            ChainHash.WriteCommandDigest(commands[i].Encoded.Span, digest.Span);
            // As the script call carries each command: its bytes, its idempotency key (none here), its digest.
            _parts.Add(commands[i].Encoded);
            _parts.Add(ReadOnlyMemory<byte>.Empty);
            _parts.Add(digest);
        }
        _call.ResetWrittenCount();
        RespWriter.WriteCommand(_call, _parts);
        return _call.WrittenCount;
    }
}
