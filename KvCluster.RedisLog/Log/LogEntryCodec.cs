using System.Buffers.Text;
using System.Text;
using KvCluster.RedisLog.Resp;

namespace KvCluster.RedisLog.Log;

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

    /// <summary>One stream entry: [id, [field, value, field, value, ...]].</summary>
    public static LogEntry Decode(RespValue streamEntry)
    {
        var parts = streamEntry.Items;
        long seq = ParseSeq(parts[0].Bytes.Span);
        var fields = parts[1].Items;

        LogOperation? operation = null;
        string? key = null;
        ReadOnlyMemory<byte> value = default;
        string contentType = "", precondition = "", idempotencyKey = "", requestId = "", traceParent = "", origin = "", chain = "";
        long sequencedAt = 0;

        for (int i = 0; i + 1 < fields.Count; i += 2)
        {
            var name = fields[i].Bytes.Span;
            var data = fields[i + 1];
            switch (name.Length)
            {
                case 1 when name[0] == (byte)'k': key = data.AsString(); break;
                case 1 when name[0] == (byte)'v': value = data.Bytes; break;
                case 1 when name[0] == (byte)'o': origin = data.AsString()!; break;
                case 1 when name[0] == (byte)'t': sequencedAt = data.AsInt64(); break;
                case 1 when name[0] == (byte)'h': chain = data.AsString()!; break;
                case 2 when name.SequenceEqual("op"u8): operation = OperationCodes.Decode(data.Bytes.Span); break;
                case 2 when name.SequenceEqual("ct"u8): contentType = data.AsString()!; break;
                case 2 when name.SequenceEqual("tp"u8): traceParent = data.AsString()!; break;
                case 3 when name.SequenceEqual("pre"u8): precondition = data.AsString()!; break;
                case 3 when name.SequenceEqual("idk"u8): idempotencyKey = data.AsString()!; break;
                case 3 when name.SequenceEqual("rid"u8): requestId = data.AsString()!; break;
                default: break; // Unknown fields are ignored so newer writers can add some.
            }
        }

        if (operation is null || key is null)
        {
            throw new LogFormatException($"Log entry {seq} lacks its operation or key.");
        }

        return new LogEntry
        {
            Seq = seq,
            Operation = operation.Value,
            Key = key,
            Value = value,
            ContentType = contentType,
            Precondition = Precondition.Decode(precondition),
            IdempotencyKey = idempotencyKey,
            RequestId = requestId,
            TraceParent = traceParent,
            OriginNode = origin,
            SequencedAtUnixMs = sequencedAt,
            ChainHash = chain,
        };
    }
}
