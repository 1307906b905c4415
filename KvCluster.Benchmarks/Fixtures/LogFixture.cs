using System.Buffers;
using System.Globalization;
using KvCluster.Log.Entries;
using KvCluster.Log.Resp;

namespace KvCluster.Benchmarks.Fixtures;

/// <summary>
/// A run of puts as scripts/bench.sh's write workload makes them (keys "bench-…" drawn from a fixed key set, one
/// value size, no idempotency key, no traceparent since that cluster exports no telemetry), in each form the write
/// path handles: the commands a receiving node forwards, the append request body the coordinator decodes, and the
/// XREAD reply every node parses, with a valid hash chain.
/// </summary>
public sealed class LogFixture
{
    public const string Stream = "kv:log";
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
        XReadReply = BuildXReadReply(firstSeq, previousChain, out string lastChain);
        LastChain = lastChain;
        if (!RespReader.TryRead(new ReadOnlySequence<byte>(XReadReply), out var reply, out _))
        {
            throw new InvalidOperationException("The XREAD reply fixture is incomplete.");
        }
        Entries = [.. LogEntryCodec.DecodeXRead(reply)];
    }

    /// <summary>The puts as the receiving node builds them, before encoding.</summary>
    public AppendCommand[] Commands { get; }

    /// <summary>The node → coordinator body carrying <see cref="Commands"/> (AppendWireFormat).</summary>
    public byte[] AppendRequest { get; }

    /// <summary>An XREAD reply holding the commands as sequenced stream entries.</summary>
    public byte[] XReadReply { get; }

    /// <summary>The entries of <see cref="XReadReply"/> as the tailer decodes them, ready to apply.</summary>
    public LogEntry[] Entries { get; }

    /// <summary>The chain hash of the entry before the first one.</summary>
    public string PreviousChain { get; }

    /// <summary>The chain hash of the last entry: the previous hash of a fixture that continues this one.</summary>
    public string LastChain { get; }

    private byte[] BuildXReadReply(long firstSeq, string previousChain, out string lastChain)
    {
        var reply = new RespReplyWriter().Array(1).Array(2).Bulk(Stream).Array(Commands.Length);
        string chain = previousChain;
        for (int i = 0; i < Commands.Length; i++)
        {
            long seq = firstSeq + i;
            long sequencedAt = FirstSequencedAtUnixMs + seq;
            byte[] blob = EntryBlob.Encode(Commands[i]);
            // The chain as sequencer.lua computes it, over the command's digest (ChainHash states the layout).
            chain = ChainHash.Next(chain, new LogEntry
            {
                Seq = seq,
                Operation = Commands[i].Operation,
                Key = Commands[i].Key,
                SequencedAtUnixMs = sequencedAt,
                Encoded = blob,
                ChainFormat = ChainHashFormat.CommandXxHash128,
            });
            string seqText = seq.ToString(CultureInfo.InvariantCulture);
            reply.Array(2).Bulk(seqText + "-0")
                .Array(6).Bulk("e").Bulk(blob).Bulk("t").Bulk(sequencedAt.ToString(CultureInfo.InvariantCulture)).Bulk("x").Bulk(chain);
        }
        lastChain = chain;
        return reply.ToArray();
    }
}
