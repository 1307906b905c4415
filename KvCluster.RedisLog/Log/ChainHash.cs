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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        Append(hash, previous);
        Append(hash, entry.Seq.ToString(CultureInfo.InvariantCulture));
        Append(hash, OperationCodes.Encode(entry.Operation));
        Append(hash, entry.Key);
        Append(hash, entry.Value.Span);
        Append(hash, entry.ContentType);
        Append(hash, entry.Precondition.Encode());
        Append(hash, entry.IdempotencyKey);
        Append(hash, entry.SequencedAtUnixMs.ToString(CultureInfo.InvariantCulture));
        Span<byte> digest = stackalloc byte[20];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
    }

    private static void Append(IncrementalHash hash, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(text, bytes);
        Append(hash, bytes);
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        Span<byte> prefix = stackalloc byte[24];
        bytes.Length.TryFormat(prefix, out int written, provider: CultureInfo.InvariantCulture);
        prefix[written++] = (byte)':';
        hash.AppendData(prefix[..written]);
        hash.AppendData(bytes);
    }
}
