using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KvCluster.RedisLog.Log;

/// <summary>
/// The node → coordinator append protocol (POST /v1/append), in binary: values travel as raw bytes, not base64
/// inside JSON, and a request carries a whole batch of commands.
/// Request: "KVA1", int32 count, then per command: byte operation, and eight length-prefixed fields — key,
/// value, content type, precondition, idempotency key, request id, traceparent, origin node.
/// Response: int32 count, then per command: int64 seq, byte duplicate (0/1). Integers are little-endian.
/// </summary>
public static class AppendWireFormat
{
    public const string ContentType = "application/x-kvcluster-append";

    private static ReadOnlySpan<byte> Magic => "KVA1"u8;

    /// <summary>Largest request body the coordinator reads (a batch of large values).</summary>
    public const int MaxRequestBytes = 64 * 1024 * 1024;

    public static byte[] EncodeRequest(IReadOnlyList<AppendCommand> commands)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * commands.Count);
        buffer.Write(Magic);
        WriteInt32(buffer, commands.Count);
        foreach (var command in commands)
        {
            buffer.GetSpan(1)[0] = (byte)command.Operation;
            buffer.Advance(1);
            WriteText(buffer, command.Key);
            WriteBytes(buffer, command.Value.Span);
            WriteText(buffer, command.ContentType);
            WriteText(buffer, command.Precondition.Encode());
            WriteText(buffer, command.IdempotencyKey);
            WriteText(buffer, command.RequestId);
            WriteText(buffer, command.TraceParent);
            WriteText(buffer, command.OriginNode);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The commands of a request; <see cref="FormatException"/> when the bytes are not a well-formed request.</summary>
    public static AppendCommand[] DecodeRequest(ReadOnlySpan<byte> body)
    {
        var reader = new Reader(body);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic)) throw new FormatException("Not a KvCluster append request (bad magic).");
        int count = reader.Int32();
        if (count < 1 || count > body.Length) throw new FormatException($"An append request cannot hold {count} commands.");
        var commands = new AppendCommand[count];
        for (int i = 0; i < count; i++)
        {
            var operation = (LogOperation)reader.Take(1)[0];
            if (operation is not (LogOperation.Put or LogOperation.Delete)) throw new FormatException($"Unknown operation {(byte)operation}.");
            string key = reader.Text();
            byte[] value = reader.Take(reader.Int32()).ToArray();
            string contentType = reader.Text();
            string precondition = reader.Text();
            string idempotencyKey = reader.Text();
            string requestId = reader.Text();
            string traceParent = reader.Text();
            string origin = reader.Text();
            if (key.Length == 0) throw new FormatException("A command has no key.");
            if (requestId.Length == 0) throw new FormatException("A command has no request id.");
            commands[i] = new AppendCommand
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
            };
        }
        if (!reader.AtEnd) throw new FormatException("Bytes follow the last command of the append request.");
        return commands;
    }

    public static byte[] EncodeResponse(IReadOnlyList<AppendOutcome> outcomes)
    {
        var bytes = new byte[4 + outcomes.Count * 9];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, outcomes.Count);
        for (int i = 0; i < outcomes.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4 + i * 9), outcomes[i].Seq);
            bytes[4 + i * 9 + 8] = outcomes[i].Duplicate ? (byte)1 : (byte)0;
        }
        return bytes;
    }

    public static AppendOutcome[] DecodeResponse(ReadOnlySpan<byte> body)
    {
        var reader = new Reader(body);
        int count = reader.Int32();
        if (count < 0 || body.Length != 4 + (long)count * 9) throw new FormatException("Malformed append response.");
        var outcomes = new AppendOutcome[count];
        for (int i = 0; i < count; i++)
        {
            long seq = BinaryPrimitives.ReadInt64LittleEndian(reader.Take(8));
            outcomes[i] = new AppendOutcome(seq, reader.Take(1)[0] == 1);
        }
        return outcomes;
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

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        WriteInt32(buffer, bytes.Length);
        buffer.Write(bytes);
    }

    private static void WriteText(ArrayBufferWriter<byte> buffer, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        WriteInt32(buffer, length);
        Encoding.UTF8.GetBytes(text, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _rest.Length) throw new FormatException("The append message ends early.");
            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public string Text() => Encoding.UTF8.GetString(Take(Int32()));
    }
}
