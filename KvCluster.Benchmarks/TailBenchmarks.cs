using System.Buffers;
using BenchmarkDotNet.Attributes;
using KvCluster.Benchmarks.Fixtures;
using KvCluster.RedisLog.Log;
using KvCluster.RedisLog.Resp;

namespace KvCluster.Benchmarks;

/// <summary>
/// What every node does with each entry it reads from the log before applying it, piece by piece: parse the XREAD
/// reply, decode the entries, verify the hash chain.
/// </summary>
public class TailBenchmarks
{
    private LogFixture _log = null!;
    private RespValue _reply;

    [Params(100, 10_240)]
    public int ValueSize { get; set; }

    /// <summary>The entries read, for checking what the benchmark measured.</summary>
    public LogFixture Log => _log;

    [GlobalSetup]
    public void Setup()
    {
        _log = new LogFixture(MicroBenchmarkConfig.BatchSize, ValueSize);
        _reply = Parse();
    }

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public RespValue ParseReply() => Parse();

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeEntries() => LogEntryCodec.DecodeXRead(_reply).Count;

    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public string VerifyChain()
    {
        string previous = _log.PreviousChain;
        foreach (var entry in _log.Entries)
        {
            if (!ChainHash.Continues(previous, entry)) throw new InvalidOperationException($"Entry {entry.Seq} breaks the chain.");
            previous = entry.ChainHash;
        }
        return previous;
    }

    private RespValue Parse() =>
        RespReader.TryRead(new ReadOnlySequence<byte>(_log.XReadReply), out var reply, out _)
            ? reply
            : throw new InvalidOperationException("The XREAD reply is incomplete.");
}
