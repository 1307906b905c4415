using System.Buffers.Binary;

namespace KvCluster.Log.Entries;

/// <summary>
/// The node → coordinator append protocol (POST /v1/append), in binary: values travel as raw bytes, not base64
/// inside JSON, and a request carries a whole batch of commands.
/// Request: "KVA2", int32 count, then per command: int32 length and the command as <see cref="EntryBlob"/> bytes —
/// the same bytes the stream stores, so the coordinator passes them through.
/// Response: int32 count, then per command: int64 seq, byte duplicate (0/1). Integers are little-endian.
/// </summary>
public static class AppendWireFormat
{
    public const string ContentType = "application/x-kvcluster-append";

    private static ReadOnlySpan<byte> Magic => "KVA2"u8;

    /// <summary>Largest request body the coordinator reads (a batch of large values).</summary>
    public const int MaxRequestBytes = 64 * 1024 * 1024;

    /// <summary>The request body for <paramref name="commands"/>, each encoded straight into it.</summary>
    public static byte[] EncodeRequest(IReadOnlyList<AppendCommand> commands)
    {
        var bytes = new byte[GetRequestLength(commands)];
        WriteRequest(commands, bytes);
        return bytes;
    }

    /// <summary>How many bytes <see cref="WriteRequest"/> writes for <paramref name="commands"/>.</summary>
    public static int GetRequestLength(IReadOnlyList<AppendCommand> commands)
    {
        int size = HeaderLength;
        foreach (var command in commands) size += GetCommandLength(command);
        return size;
    }

    /// <summary>Bytes of a request before its first command.</summary>
    public const int HeaderLength = 8;

    /// <summary>How many bytes <paramref name="command"/> adds to a request: its length field and its bytes.</summary>
    public static int GetCommandLength(AppendCommand command) =>
        4 + (command.Encoded.IsEmpty ? EntryBlob.GetEncodedLength(command) : command.Encoded.Length);

    /// <summary>Writes the request body for <paramref name="commands"/> at the start of <paramref name="destination"/>; returns its length.</summary>
    public static int WriteRequest(IReadOnlyList<AppendCommand> commands, Span<byte> destination)
    {
        Magic.CopyTo(destination);
        int at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], commands.Count);
        at += 4;
        foreach (var command in commands)
        {
            var field = destination[(at + 4)..];
            int length;
            if (command.Encoded.IsEmpty)
            {
                length = EntryBlob.Write(command, field);
            }
            else
            {
                command.Encoded.Span.CopyTo(field);
                length = command.Encoded.Length;
            }
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], length);
            at += 4 + length;
        }
        return at;
    }

    /// <summary>
    /// The commands of a request, each keeping its encoded bytes (slices of <paramref name="body"/>);
    /// <see cref="FormatException"/> when the bytes are not a well-formed request.
    /// </summary>
    public static AppendCommand[] DecodeRequest(ReadOnlyMemory<byte> body)
    {
        if (body.Length < HeaderLength || !body.Span[..Magic.Length].SequenceEqual(Magic))
        {
            throw new FormatException("Not a KvCluster append request (bad magic).");
        }
        int count = BinaryPrimitives.ReadInt32LittleEndian(body.Span[Magic.Length..]);
        // Checked against what the bytes can hold before the array is sized by it: a 64 MiB body claiming a command
        // per byte would otherwise cost a 512 MB array before the first command is found missing.
        if (count < 1 || count > (body.Length - HeaderLength) / (4 + EntryBlob.MinEncodedLength))
        {
            throw new FormatException($"An append request of {body.Length} bytes cannot hold {count} commands.");
        }
        var rest = body[HeaderLength..];
        var commands = new AppendCommand[count];
        for (int i = 0; i < count; i++)
        {
            if (rest.Length < 4) throw new FormatException("The append request ends early.");
            int length = BinaryPrimitives.ReadInt32LittleEndian(rest.Span);
            if (length < 1 || length > rest.Length - 4) throw new FormatException("The append request ends early.");
            commands[i] = EntryBlob.Decode(rest.Slice(4, length));
            rest = rest[(4 + length)..];
        }
        if (!rest.IsEmpty) throw new FormatException("Bytes follow the last command of the append request.");
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
        int count = body.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(body) : -1;
        if (count < 0 || body.Length != 4 + (long)count * 9) throw new FormatException("Malformed append response.");
        var outcomes = new AppendOutcome[count];
        for (int i = 0; i < count; i++)
        {
            var item = body.Slice(4 + i * 9, 9);
            outcomes[i] = new AppendOutcome(BinaryPrimitives.ReadInt64LittleEndian(item), item[8] == 1);
        }
        return outcomes;
    }
}
