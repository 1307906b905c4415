using System.Buffers;
using System.Buffers.Text;
using KvCluster.Log.Client;

namespace KvCluster.Log.Resp;

/// <summary>
/// Writes commands the way Redis expects them from clients: a RESP array of bulk strings.
/// Lengths are computed first, so a typical command is written into one span with no intermediate copies.
/// </summary>
public static class RespWriter
{
    // Commands up to this size are written into a single contiguous span; larger ones piece by piece.
    private const int SingleSpanLimit = 8 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static void WriteCommand(IBufferWriter<byte> writer, RedisCommand command) => WriteCommand(writer, command.Parts);

    public static void WriteCommand(IBufferWriter<byte> writer, IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (parts.Count == 0) throw new ArgumentException("A command needs at least its name.", nameof(parts));

        long total = GetCommandLength(parts);
        if (total <= SingleSpanLimit)
        {
            var span = writer.GetSpan((int)total);
            int at = WriteHeader(span, (byte)'*', parts.Count);
            for (int i = 0; i < parts.Count; i++)
            {
                var part = parts[i].Span;
                at += WriteHeader(span[at..], (byte)'$', part.Length);
                part.CopyTo(span[at..]);
                at += part.Length;
                CrLf.CopyTo(span[at..]);
                at += 2;
            }
            writer.Advance(at);
            return;
        }

        WriteHeader(writer, (byte)'*', parts.Count);
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i].Span;
            WriteHeader(writer, (byte)'$', part.Length);
            writer.Write(part);
            writer.Write(CrLf);
        }
    }

    /// <summary>The exact number of bytes <see cref="WriteCommand(IBufferWriter{byte}, IReadOnlyList{ReadOnlyMemory{byte}})"/> writes.</summary>
    public static long GetCommandLength(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        long total = HeaderLength(parts.Count);
        for (int i = 0; i < parts.Count; i++)
        {
            int length = parts[i].Length;
            total += HeaderLength(length) + length + 2;
        }
        return total;
    }

    /// <summary>"*3\r\n" or "$5\r\n": prefix, decimal count, CRLF.</summary>
    private static int HeaderLength(int count) => 1 + DigitCount(count) + 2;

    private static int WriteHeader(Span<byte> span, byte prefix, int count)
    {
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out int digits);
        CrLf.CopyTo(span[(1 + digits)..]);
        return 1 + digits + 2;
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte prefix, int count)
    {
        int length = HeaderLength(count);
        WriteHeader(writer.GetSpan(length), prefix, count);
        writer.Advance(length);
    }

    private static int DigitCount(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
