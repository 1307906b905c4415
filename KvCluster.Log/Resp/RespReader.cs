using System.Buffers;

namespace KvCluster.Log.Resp;

/// <summary>
/// Parses RESP2 replies from a (possibly multi-segment) buffer. "Not enough bytes yet" is the normal
/// answer while a reply is still arriving: it returns false and allocates nothing. Only malformed
/// bytes throw <see cref="RespProtocolException"/>.
/// </summary>
/// <remarks>
/// Two passes: a scan that validates and finds the end of the reply without allocating, then a build
/// that copies payloads out of the (reused) network buffer exactly once.
/// </remarks>
public static class RespReader
{
    /// <summary>Deepest nesting of arrays accepted; deeper input is treated as malformed (it would only exhaust the stack).</summary>
    public const int MaxDepth = 64;

    /// <summary>Redis's own limit (proto-max-bulk-len default).</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Longest simple-string or error line accepted before its CRLF.</summary>
    public const int MaxSimpleLineLength = 64 * 1024;

    // '-' sign, 19 digits of a long, and room to spare; a longer length/integer line is garbage.
    private const int MaxNumberLineLength = 24;

    // Replies that arrive constantly share one array instead of allocating each time.
    private static readonly byte[] Ok = "OK"u8.ToArray();
    private static readonly byte[] Pong = "PONG"u8.ToArray();
    private static readonly byte[] Queued = "QUEUED"u8.ToArray();

    /// <summary>
    /// Reads one reply from the start of <paramref name="buffer"/>. On success <paramref name="consumed"/>
    /// is the position just after it; false means the reply is incomplete.
    /// </summary>
    public static bool TryRead(ReadOnlySequence<byte> buffer, out RespValue value, out SequencePosition consumed)
    {
        var scanner = new SequenceReader<byte>(buffer);
        if (!Scan(ref scanner, depth: 0))
        {
            value = default;
            consumed = buffer.Start;
            return false;
        }
        consumed = scanner.Position;
        var builder = new SequenceReader<byte>(buffer.Slice(0, consumed));
        value = Build(ref builder);
        return true;
    }

    /// <summary>Reads one reply and slices it off the front of <paramref name="buffer"/>.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        if (!TryRead(buffer, out value, out var consumed)) return false;
        buffer = buffer.Slice(consumed);
        return true;
    }

    /// <summary>
    /// Validates and steps over one reply without materialising it (for replies nobody waits for any more,
    /// e.g. of a command that timed out).
    /// </summary>
    public static bool TrySkip(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var scanner = new SequenceReader<byte>(buffer);
        if (!Scan(ref scanner, depth: 0))
        {
            consumed = buffer.Start;
            return false;
        }
        consumed = scanner.Position;
        return true;
    }

    private static bool Scan(ref SequenceReader<byte> reader, int depth)
    {
        if (!reader.TryRead(out byte prefix)) return false;
        switch (prefix)
        {
            case (byte)'+':
            case (byte)'-':
                return TryReadLine(ref reader, MaxSimpleLineLength, out _);
            case (byte)':':
                if (!TryReadLine(ref reader, MaxNumberLineLength, out var line)) return false;
                ParseInteger(line, "integer reply");
                return true;
            case (byte)'$':
            {
                if (!TryReadLength(ref reader, "bulk string length", MaxBulkLength, out long length)) return false;
                if (length < 0) return true;
                if (reader.Remaining < length + 2) return false;
                reader.Advance(length);
                ExpectCrLf(ref reader);
                return true;
            }
            case (byte)'*':
            {
                if (!TryReadLength(ref reader, "array length", int.MaxValue, out long count)) return false;
                if (count > 0 && depth >= MaxDepth) RespProtocolException.Throw($"RESP arrays are nested deeper than {MaxDepth} levels.");
                for (long i = 0; i < count; i++)
                {
                    if (!Scan(ref reader, depth + 1)) return false;
                }
                return true;
            }
            default:
                RespProtocolException.ThrowUnexpectedPrefix(prefix);
                return false;
        }
    }

    // Runs only over bytes Scan accepted, so every read here succeeds.
    private static RespValue Build(ref SequenceReader<byte> reader)
    {
        reader.TryRead(out byte prefix);
        switch (prefix)
        {
            case (byte)'+':
                TryReadLine(ref reader, MaxSimpleLineLength, out var simple);
                return RespValue.SimpleString(CopySimple(simple));
            case (byte)'-':
                TryReadLine(ref reader, MaxSimpleLineLength, out var error);
                return RespValue.Error(error.ToArray());
            case (byte)':':
                TryReadLine(ref reader, MaxNumberLineLength, out var integer);
                return RespValue.Integer(ParseInteger(integer, "integer reply"));
            case (byte)'$':
            {
                TryReadLength(ref reader, "bulk string length", MaxBulkLength, out long length);
                if (length < 0) return RespValue.Null;
                // Filled at once from the reply (Scan saw all of it), so zeroing it first would be wasted: for a 10 KiB
                // value that memset was a twentieth of a node's CPU per applied entry.
                var payload = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)length);
                reader.TryCopyTo(payload);
                reader.Advance(length + 2);
                return RespValue.BulkString(payload);
            }
            default: // '*'
            {
                TryReadLength(ref reader, "array length", int.MaxValue, out long count);
                if (count < 0) return RespValue.Null;
                var items = count == 0 ? [] : new RespValue[count];
                for (int i = 0; i < items.Length; i++) items[i] = Build(ref reader);
                return RespValue.Array(items);
            }
        }
    }

    /// <summary>A line up to CRLF (CR must be followed by LF). False when the CRLF has not arrived yet.</summary>
    private static bool TryReadLine(ref SequenceReader<byte> reader, int maxLength, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\r', advancePastDelimiter: true))
        {
            if (reader.Remaining > maxLength) RespProtocolException.Throw($"A RESP line is longer than {maxLength} bytes.");
            return false;
        }
        if (line.Length > maxLength) RespProtocolException.Throw($"A RESP line is longer than {maxLength} bytes.");
        if (!reader.TryRead(out byte lf)) return false;
        if (lf != (byte)'\n') RespProtocolException.ThrowMissingLineEnd();
        return true;
    }

    /// <summary>A length line: -1 (null) or 0..max.</summary>
    private static bool TryReadLength(ref SequenceReader<byte> reader, string what, long max, out long length)
    {
        if (!TryReadLine(ref reader, MaxNumberLineLength, out var line))
        {
            length = 0;
            return false;
        }
        length = ParseInteger(line, what);
        if (length < -1 || length > max) RespProtocolException.Throw($"The {what} {length} is out of range.");
        return true;
    }

    private static void ExpectCrLf(ref SequenceReader<byte> reader)
    {
        // The caller checked that both bytes are there.
        reader.TryRead(out byte cr);
        reader.TryRead(out byte lf);
        if (cr != (byte)'\r' || lf != (byte)'\n') RespProtocolException.ThrowMissingLineEnd();
    }

    private static long ParseInteger(in ReadOnlySequence<byte> line, string what)
    {
        Span<byte> copy = stackalloc byte[MaxNumberLineLength];
        scoped ReadOnlySpan<byte> text;
        if (line.IsSingleSegment)
        {
            text = line.FirstSpan;
        }
        else
        {
            line.CopyTo(copy); // the line was checked to fit
            text = copy[..(int)line.Length];
        }
        return ParseInteger(text, what);
    }

    private static long ParseInteger(ReadOnlySpan<byte> text, string what)
    {
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        int start = negative ? 1 : 0;
        if (start == text.Length) RespProtocolException.ThrowBadInteger(what);

        ulong magnitude = 0;
        for (int i = start; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - (byte)'0');
            if (digit > 9) RespProtocolException.ThrowBadInteger(what);
            if (magnitude > (ulong.MaxValue - digit) / 10) RespProtocolException.ThrowBadInteger(what);
            magnitude = magnitude * 10 + digit;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) RespProtocolException.ThrowBadInteger(what);
            return unchecked(-(long)magnitude);
        }
        if (magnitude > long.MaxValue) RespProtocolException.ThrowBadInteger(what);
        return (long)magnitude;
    }

    private static byte[] CopySimple(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual(Ok)) return Ok;
            if (span.SequenceEqual(Pong)) return Pong;
            if (span.SequenceEqual(Queued)) return Queued;
        }
        return line.ToArray();
    }
}
