using System.Buffers.Text;
using System.Text;
using KvCluster.Log.Entries;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>Turns stream entries as StackExchange.Redis returns them (XREAD / XRANGE) into <see cref="LogEntry"/> values.</summary>
public static class StreamEntryDecoder
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

    /// <summary>The sequence number of a stream entry id as StackExchange.Redis hands it over.</summary>
    public static long ParseSeq(RedisValue entryId) => ParseSeq(((ReadOnlyMemory<byte>)entryId).Span);

    public static List<LogEntry> Decode(StreamEntry[] entries)
    {
        var result = new List<LogEntry>(entries.Length);
        foreach (var entry in entries) result.Add(Decode(entry));
        return result;
    }

    /// <summary>
    /// One stream entry: id "{seq}-0", fields "e" (command bytes), "t" (sequenced-at ms), "x" (chain hash); entries
    /// sequenced by earlier sequencers carry their hash in "c" or "h" instead (<see cref="ChainHashFormat"/>).
    /// </summary>
    public static LogEntry Decode(StreamEntry streamEntry)
    {
        long seq = ParseSeq(streamEntry.Id);
        ReadOnlyMemory<byte>? encoded = null;
        long sequencedAt = 0;
        string chain = "";
        var chainFormat = ChainHashFormat.CommandXxHash128;
        foreach (var field in streamEntry.Values)
        {
            var name = ((ReadOnlyMemory<byte>)field.Name).Span;
            if (name.Length != 1) continue; // unknown fields are ignored so newer writers can add some
            var data = field.Value;
            switch (name[0])
            {
                case (byte)'e': encoded = (ReadOnlyMemory<byte>)data; break;
                case (byte)'t':
                    if (!data.TryParse(out sequencedAt)) throw new LogFormatException($"Log entry {seq} has a malformed time.");
                    break;
                case (byte)'x': chain = data.ToString(); chainFormat = ChainHashFormat.CommandXxHash128; break;
                case (byte)'c': chain = data.ToString(); chainFormat = ChainHashFormat.CommandSha1; break;
                case (byte)'h': chain = data.ToString(); chainFormat = ChainHashFormat.WholeCommand; break;
            }
        }
        if (encoded is not { } bytes) throw new LogFormatException($"Log entry {seq} has no command.");

        try
        {
            return EntryBlob.DecodeEntry(bytes, seq, sequencedAt, chain, chainFormat);
        }
        catch (FormatException e)
        {
            throw new LogFormatException($"Log entry {seq} is malformed: {e.Message}");
        }
    }
}
