using System.Buffers.Binary;
using System.Text;

namespace KvCluster.Log.Entries;

/// <summary>
/// One command as bytes — the form it has on the node → coordinator wire and in the stream's "e" field, so the
/// coordinator passes it through without re-encoding and nodes decode one field instead of a dozen.
/// Layout: byte operation, then eight fields, each an int32 little-endian length and its bytes: key, value,
/// content type, precondition, idempotency key, request id, traceparent, origin node (text as UTF-8); then, only
/// for a put attached to a lease, a ninth field: the lease id. Commands without a lease keep the eight-field form,
/// so entries written before leases existed decode unchanged.
/// </summary>
public static class EntryBlob
{
    // Encoding writes into an array of the exact size: one allocation and one copy of the value per command
    // (a growing buffer copied out at the end cost three of each, measured in KvCluster.Benchmarks).

    /// <summary>The fewest bytes a command takes: the operation and eight empty fields.</summary>
    public const int MinEncodedLength = 1 + 8 * sizeof(int);

    public static byte[] Encode(AppendCommand command)
    {
        var bytes = new byte[GetEncodedLength(command)];
        Write(command, bytes);
        return bytes;
    }

    public static byte[] Encode(LogEntry entry)
    {
        string precondition = entry.Precondition.Encode();
        var bytes = new byte[EncodedLength(entry.Key, entry.Value.Length, entry.ContentType, precondition, entry.IdempotencyKey,
            entry.RequestId, entry.TraceParent, entry.OriginNode, entry.Lease)];
        Write(bytes, entry.Operation, entry.Key, entry.Value.Span, entry.ContentType, precondition, entry.IdempotencyKey,
            entry.RequestId, entry.TraceParent, entry.OriginNode, entry.Lease);
        return bytes;
    }

    /// <summary>How many bytes <see cref="Write"/> writes for <paramref name="command"/>.</summary>
    public static int GetEncodedLength(AppendCommand command) =>
        EncodedLength(command.Key, command.Value.Length, command.ContentType, command.Precondition.Encode(), command.IdempotencyKey,
            command.RequestId, command.TraceParent, command.OriginNode, command.Lease);

    /// <summary>Writes <paramref name="command"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(AppendCommand command, Span<byte> destination) =>
        Write(destination, command.Operation, command.Key, command.Value.Span, command.ContentType, command.Precondition.Encode(),
            command.IdempotencyKey, command.RequestId, command.TraceParent, command.OriginNode, command.Lease);

    /// <summary>
    /// The log entry whose command is <paramref name="blob"/>, with what the sequencer gave it: its seq, time and chain
    /// hash. <see cref="FormatException"/> when the bytes are not one well-formed command.
    /// </summary>
    public static LogEntry DecodeEntry(ReadOnlyMemory<byte> blob, long seq, long sequencedAtUnixMs, string chainHash, ChainHashFormat chainFormat)
    {
        var command = Decode(blob);
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
            Lease = command.Lease,
            SequencedAtUnixMs = sequencedAtUnixMs,
            ChainHash = chainHash,
            ChainFormat = chainFormat,
            Encoded = blob,
        };
    }

    /// <summary>
    /// The command in <paramref name="blob"/>; its value is a slice of the blob, not a copy.
    /// <see cref="FormatException"/> when the bytes are not one well-formed command.
    /// </summary>
    public static AppendCommand Decode(ReadOnlyMemory<byte> blob)
    {
        var rest = blob;
        if (rest.Length < 1) throw new FormatException("An encoded command is empty.");
        var operation = (LogOperation)rest.Span[0];
        if (!Enum.IsDefined(operation)) throw new FormatException($"Unknown operation {(byte)operation}.");
        rest = rest[1..];
        string key = Text(ref rest);
        var value = Field(ref rest);
        string contentType = Text(ref rest);
        string precondition = Text(ref rest);
        string idempotencyKey = Text(ref rest);
        string requestId = Text(ref rest);
        string traceParent = Text(ref rest);
        string origin = Text(ref rest);
        string lease = rest.IsEmpty ? "" : Text(ref rest);
        if (!rest.IsEmpty) throw new FormatException("Bytes follow the last field of an encoded command.");
        if (lease.Length > 0 && operation != LogOperation.Put) throw new FormatException("Only a put can name a lease.");
        if (key.Length == 0 && operation != LogOperation.Txn) throw new FormatException("A command has no key.");
        if (requestId.Length == 0) throw new FormatException("A command has no request id.");
        return new AppendCommand
        {
            Operation = operation,
            Key = key,
            Value = value,
            ContentType = contentType,
            Precondition = DecodePrecondition(precondition),
            IdempotencyKey = idempotencyKey,
            RequestId = requestId,
            TraceParent = traceParent,
            OriginNode = origin,
            Lease = lease,
            Encoded = blob,
        };
    }

    private static int EncodedLength(string key, int valueLength, string contentType, string precondition, string idempotencyKey,
        string requestId, string traceParent, string origin, string lease) =>
        1 + 8 * sizeof(int) + valueLength + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(contentType)
        + Encoding.UTF8.GetByteCount(precondition) + Encoding.UTF8.GetByteCount(idempotencyKey) + Encoding.UTF8.GetByteCount(requestId)
        + Encoding.UTF8.GetByteCount(traceParent) + Encoding.UTF8.GetByteCount(origin)
        + (lease.Length == 0 ? 0 : sizeof(int) + Encoding.UTF8.GetByteCount(lease));

    private static int Write(Span<byte> destination, LogOperation operation, string key, ReadOnlySpan<byte> value, string contentType,
        string precondition, string idempotencyKey, string requestId, string traceParent, string origin, string lease)
    {
        destination[0] = (byte)operation;
        int at = 1;
        at += WriteText(destination[at..], key);
        at += WriteBytes(destination[at..], value);
        at += WriteText(destination[at..], contentType);
        at += WriteText(destination[at..], precondition);
        at += WriteText(destination[at..], idempotencyKey);
        at += WriteText(destination[at..], requestId);
        at += WriteText(destination[at..], traceParent);
        at += WriteText(destination[at..], origin);
        if (lease.Length > 0) at += WriteText(destination[at..], lease);
        return at;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, bytes.Length);
        bytes.CopyTo(destination[sizeof(int)..]);
        return sizeof(int) + bytes.Length;
    }

    private static int WriteText(Span<byte> destination, string text)
    {
        int length = Encoding.UTF8.GetBytes(text, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return sizeof(int) + length;
    }

    private static ReadOnlyMemory<byte> Field(ref ReadOnlyMemory<byte> rest)
    {
        if (rest.Length < 4) throw new FormatException("An encoded command ends early.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(rest.Span);
        if (length < 0 || length > rest.Length - 4) throw new FormatException("An encoded command ends early.");
        var field = rest.Slice(4, length);
        rest = rest[(4 + length)..];
        return field;
    }

    private static string Text(ref ReadOnlyMemory<byte> rest)
    {
        var field = Field(ref rest);
        return field.IsEmpty ? "" : Encoding.UTF8.GetString(field.Span);
    }

    private static Precondition DecodePrecondition(string text)
    {
        try
        {
            return Precondition.Decode(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"Precondition '{text}' is neither '*' nor a version.");
        }
    }
}
