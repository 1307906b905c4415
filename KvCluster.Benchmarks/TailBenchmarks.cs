using BenchmarkDotNet.Attributes;
using KvCluster.Log.Entries;

namespace KvCluster.Benchmarks;

/// <summary>
/// What every node does with each entry it reads from the log before applying it, in the project's own code: decode
/// the command from its stream entry's bytes, and verify the hash chain. Parsing Redis's reply into those bytes is
/// StackExchange.Redis's work and is not measured here.
/// </summary>
public class TailBenchmarks : BatchBenchmarks
{
    [Benchmark(OperationsPerInvoke = MicroBenchmarkConfig.BatchSize)]
    public int DecodeEntries()
    {
        int decoded = 0;
        foreach (var entry in Log.Entries)
        {
            if (EntryBlob.Decode(entry.Encoded).Key.Length > 0) decoded++;
        }
        return decoded;
    }

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
}
