using System.Buffers;
using BenchmarkDotNet.Attributes;
using KvCluster.Log.Entries;
using KvCluster.Log.Resp;

namespace KvCluster.Benchmarks;

/// <summary>
/// What every node does with each entry it reads from the log before applying it, piece by piece: parse the XREAD
/// reply, decode the entries, verify the hash chain.
/// </summary>
public class TailBenchmarks : BatchBenchmarks
{
    private RespValue _reply;

    public override void Setup()
    {
        base.Setup();
        _reply = Parse();
    }

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public RespValue ParseReply() => Parse();

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeEntries() => LogEntryCodec.DecodeXRead(_reply).Count;

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public string VerifyChain()
    {
        string previous = Log.PreviousChain;
        foreach (var entry in Log.Entries)
        {
            if (!ChainHash.Continues(previous, entry)) throw new InvalidOperationException($"Entry {entry.Seq} breaks the chain.");
            previous = entry.ChainHash;
        }
        return previous;
    }

    private RespValue Parse() =>
        RespReader.TryRead(new ReadOnlySequence<byte>(Log.XReadReply), out var reply, out _)
            ? reply
            : throw new InvalidOperationException("The XREAD reply is incomplete.");
}
