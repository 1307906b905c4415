using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KvCluster.RedisLog.Log;

/// <summary>
/// One command as bytes — the form it has on the node → coordinator wire and in the stream's "e" field, so the
/// coordinator passes it through without re-encoding and nodes decode one field instead of a dozen.
/// Layout: byte operation, then eight fields, each an int32 little-endian length and its bytes: key, value,
/// content type, precondition, idempotency key, request id, traceparent, origin node (text as UTF-8).
/// </summary>
public static class EntryBlob
{
    public static byte[] Encode(AppendCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + command.Value.Length + command.Key.Length * 3);
        Write(buffer, command.Operation, command.Key, command.Value.Span, command.ContentType, command.Precondition,
            command.IdempotencyKey, command.RequestId, command.TraceParent, command.OriginNode);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(LogEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + entry.Value.Length + entry.Key.Length * 3);
        Write(buffer, entry.Operation, entry.Key, entry.Value.Span, entry.ContentType, entry.Precondition,
            entry.IdempotencyKey, entry.RequestId, entry.TraceParent, entry.OriginNode);
        return buffer.WrittenSpan.ToArray();
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
        if (operation is not (LogOperation.Put or LogOperation.Delete)) throw new FormatException($"Unknown operation {(byte)operation}.");
        rest = rest[1..];
        string key = Text(ref rest);
        var value = Field(ref rest);
        string contentType = Text(ref rest);
        string precondition = Text(ref rest);
        string idempotencyKey = Text(ref rest);
        string requestId = Text(ref rest);
        string traceParent = Text(ref rest);
        string origin = Text(ref rest);
        if (!rest.IsEmpty) throw new FormatException("Bytes follow the last field of an encoded command.");
        if (key.Length == 0) throw new FormatException("A command has no key.");
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
            Encoded = blob,
        };
    }

    private static void Write(IBufferWriter<byte> buffer, LogOperation operation, string key, ReadOnlySpan<byte> value, string contentType,
        Precondition precondition, string idempotencyKey, string requestId, string traceParent, string origin)
    {
        buffer.GetSpan(1)[0] = (byte)operation;
        buffer.Advance(1);
        WriteText(buffer, key);
        WriteBytes(buffer, value);
        WriteText(buffer, contentType);
        WriteText(buffer, precondition.Encode());
        WriteText(buffer, idempotencyKey);
        WriteText(buffer, requestId);
        WriteText(buffer, traceParent);
        WriteText(buffer, origin);
    }

    private static void WriteBytes(IBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), bytes.Length);
        buffer.Advance(4);
        buffer.Write(bytes);
    }

    private static void WriteText(IBufferWriter<byte> buffer, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), length);
        buffer.Advance(4);
        Encoding.UTF8.GetBytes(text, buffer.GetSpan(length));
        buffer.Advance(length);
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
