using System.Buffers.Text;
using System.Text;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Entries;

/// <summary>Turns stream entries as Redis returns them (XREAD / XRANGE replies) into <see cref="LogEntry"/> values.</summary>
public static class LogEntryCodec
{
    /// <summary>Parses the sequence number from a stream entry id "{seq}-0".</summary>
    public static long ParseSeq(ReadOnlySpan<byte> entryId)
    {
        int dash = entryId.IndexOf((byte)'-');
        var seqPart = dash < 0 ? entryId : entryId[..dash];
        if (!Utf8Parser.TryParse(seqPart, out long seq, out int consumed) || consumed != seqPart.Length || seq < 1)
        {
            throw new LogFormatException($"Stream entry id '{Encoding.ASCII.GetString(entryId)}' is not a KvCluster sequence id.");
        }
        return seq;
    }

    /// <summary>The entries of an XREAD reply for one stream (empty when the read timed out).</summary>
    public static List<LogEntry> DecodeXRead(RespValue reply)
    {
        if (reply.IsNull) return [];
        var streams = reply.Items;
        if (streams.Count == 0) return [];
        return DecodeRange(streams[0].Items[1]);
    }

    /// <summary>The entries of an XRANGE reply, or of the entry list inside an XREAD reply.</summary>
    public static List<LogEntry> DecodeRange(RespValue entries)
    {
        if (entries.IsNull) return [];
        var items = entries.Items;
        var result = new List<LogEntry>(items.Count);
        foreach (var item in items) result.Add(Decode(item));
        return result;
    }

    /// <summary>
    /// One stream entry: [id, ["e", command bytes, "t", sequenced-at ms, "x", chain hash]]; entries sequenced by earlier
    /// sequencers carry their hash in "c" or "h" instead (<see cref="ChainHashFormat"/>).
    /// </summary>
    public static LogEntry Decode(RespValue streamEntry)
    {
        var parts = streamEntry.Items;
        long seq = ParseSeq(parts[0].Bytes.Span);
        var fields = parts[1].Items;

        ReadOnlyMemory<byte>? encoded = null;
        long sequencedAt = 0;
        string chain = "";
        var chainFormat = ChainHashFormat.CommandXxHash128;
        for (int i = 0; i + 1 < fields.Count; i += 2)
        {
            var name = fields[i].Bytes.Span;
            var data = fields[i + 1];
            if (name.Length != 1) continue; // unknown fields are ignored so newer writers can add some
            switch (name[0])
            {
                case (byte)'e': encoded = data.Bytes; break;
                case (byte)'t': sequencedAt = data.AsInt64(); break;
                case (byte)'x': chain = data.AsString()!; chainFormat = ChainHashFormat.CommandXxHash128; break;
                case (byte)'c': chain = data.AsString()!; chainFormat = ChainHashFormat.CommandSha1; break;
                case (byte)'h': chain = data.AsString()!; chainFormat = ChainHashFormat.WholeCommand; break;
            }
        }
        if (encoded is not { } bytes) throw new LogFormatException($"Log entry {seq} has no command.");

        AppendCommand command;
        try
        {
            command = EntryBlob.Decode(bytes);
        }
        catch (FormatException e)
        {
            throw new LogFormatException($"Log entry {seq} is malformed: {e.Message}");
        }
        return new LogEntry
        {
            Seq = seq,
            Operation = command.Operation,
            Key = command.Key,
            Value = command.Value,
            ContentType = command.ContentType,
            Precondition = command.Precondition,
            IdempotencyKey = command.IdempotencyKey,
            RequestId = command.RequestId,
            TraceParent = command.TraceParent,
            OriginNode = command.OriginNode,
            SequencedAtUnixMs = sequencedAt,
            ChainHash = chain,
            ChainFormat = chainFormat,
            Encoded = bytes,
        };
    }
}
