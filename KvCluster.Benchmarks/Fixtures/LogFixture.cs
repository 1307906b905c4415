using System.Globalization;
using KvCluster.Log.Entries;

namespace KvCluster.Benchmarks.Fixtures;

/// <summary>
/// A run of puts as scripts/bench.sh's write workload makes them (keys "bench-…" drawn from a fixed key set, one
/// value size, no idempotency key, no traceparent since that cluster exports no telemetry), in each form the write
/// path handles: the commands a receiving node forwards, the append request body the coordinator decodes, and the
/// sequenced entries every node decodes and verifies, with a valid hash chain.
/// </summary>
public sealed class LogFixture
{
    private const long FirstSequencedAtUnixMs = 1_700_000_000_000;

    public LogFixture(int count, int valueSize, long firstSeq = 1, int keyCount = 10_000, string previousChain = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);

        Commands = new AppendCommand[count];
        for (int i = 0; i < count; i++)
        {
            Commands[i] = new AppendCommand
            {
                Operation = LogOperation.Put,
                Key = "bench-" + ((firstSeq - 1 + i) % keyCount).ToString("D6", CultureInfo.InvariantCulture),
                Value = value,
                ContentType = "application/octet-stream",
                RequestId = "0123456789ab-" + (firstSeq + i).ToString(CultureInfo.InvariantCulture),
                OriginNode = "node-1",
            };
        }
        AppendRequest = AppendWireFormat.EncodeRequest(Commands);

        PreviousChain = previousChain;
        Entries = Sequence(firstSeq, previousChain, out string lastChain);
        LastChain = lastChain;
    }

    /// <summary>The puts as the receiving node builds them, before encoding.</summary>
    public AppendCommand[] Commands { get; }

    /// <summary>The node → coordinator body carrying <see cref="Commands"/> (AppendWireFormat).</summary>
    public byte[] AppendRequest { get; }

    /// <summary>
    /// The commands as sequenced entries, ready to apply; each one's <see cref="LogEntry.Encoded"/> holds the bytes of
    /// its stream entry's "e" field (EntryBlob).
    /// </summary>
    public LogEntry[] Entries { get; }

    /// <summary>The chain hash of the entry before the first one.</summary>
    public string PreviousChain { get; }

    /// <summary>The chain hash of the last entry: the previous hash of a fixture that continues this one.</summary>
    public string LastChain { get; }

    private LogEntry[] Sequence(long firstSeq, string previousChain, out string lastChain)
    {
        var entries = new LogEntry[Commands.Length];
        string chain = previousChain;
        for (int i = 0; i < Commands.Length; i++)
        {
            long seq = firstSeq + i;
            byte[] blob = EntryBlob.Encode(Commands[i]);
            // Decoded from its bytes, as a node reads it: the value is a slice of the blob, not the command's array.
            var entry = EntryBlob.DecodeEntry(blob, seq, FirstSequencedAtUnixMs + seq, "", ChainHashFormat.CommandXxHash128);
            // The chain as sequencer.lua computes it, over the command's digest (ChainHash states the layout).
            chain = ChainHash.Next(chain, entry);
            entries[i] = entry with { ChainHash = chain };
        }
        lastChain = chain;
        return entries;
    }
}
