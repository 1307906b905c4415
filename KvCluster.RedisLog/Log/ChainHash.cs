using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KvCluster.RedisLog.Log;

/// <summary>
/// The hash chain over the log, as sequencer.lua computes it: SHA-1 over the previous hash and this entry's
/// fields, each length-prefixed. A node that recomputes it on apply notices at once when the log it reads is
/// not the continuation of the one it applied (Redis lost writes, failed over, or was emptied).
/// </summary>
public static class ChainHash
{
    public static string Next(string previous, LogEntry entry)
    {
        string seq = entry.Seq.ToString(CultureInfo.InvariantCulture);
        string operation = OperationCodes.Encode(entry.Operation);
        string precondition = entry.Precondition.Encode();
        string sequencedAt = entry.SequencedAtUnixMs.ToString(CultureInfo.InvariantCulture);

        // One buffer and one hash call per entry: this runs for every entry on every node.
        int size = Framed(previous) + Framed(seq) + Framed(operation) + Framed(entry.Key) + 12 + entry.Value.Length
                   + Framed(entry.ContentType) + Framed(precondition) + Framed(entry.IdempotencyKey) + Framed(sequencedAt);
        byte[] rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int at = 0;
            at += Write(rented.AsSpan(at), previous);
            at += Write(rented.AsSpan(at), seq);
            at += Write(rented.AsSpan(at), operation);
            at += Write(rented.AsSpan(at), entry.Key);
            at += Write(rented.AsSpan(at), entry.Value.Span);
            at += Write(rented.AsSpan(at), entry.ContentType);
            at += Write(rented.AsSpan(at), precondition);
            at += Write(rented.AsSpan(at), entry.IdempotencyKey);
            at += Write(rented.AsSpan(at), sequencedAt);
            Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
            SHA1.HashData(rented.AsSpan(0, at), digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Upper bound of a text field's framed size: length digits, ':' and the UTF-8 bytes.
    private static int Framed(string text) => 12 + Encoding.UTF8.GetMaxByteCount(text.Length);

    private static int Write(Span<byte> destination, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        int prefix = WritePrefix(destination, length);
        Encoding.UTF8.GetBytes(text, destination[prefix..]);
        return prefix + length;
    }

    private static int Write(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        int prefix = WritePrefix(destination, bytes.Length);
        bytes.CopyTo(destination[prefix..]);
        return prefix + bytes.Length;
    }

    private static int WritePrefix(Span<byte> destination, int length)
    {
        length.TryFormat(destination, out int written, provider: CultureInfo.InvariantCulture);
        destination[written] = (byte)':';
        return written + 1;
    }
}
