using System.Buffers.Binary;
using System.Text;

namespace KvCluster.Node.Transactions;

/// <summary>
/// A transaction as bytes: the <c>Value</c> of a <c>LogOperation.Txn</c> entry, decoded by every replica when it applies
/// the entry. Integers little-endian; "str" and "bytes" are an int32 length and that many bytes (text UTF-8), as in
/// <c>EntryBlob</c>.
/// <code>
/// uint8 format                1
/// int32 compare count, then per compare: uint8 kind (1 version, 2 exists, 3 value), str key, and
///                             int64 version | uint8 exists (0 or 1) | bytes value
/// int32 success count, then per operation: uint8 kind (1 put, 2 delete, 3 get), str key, and for a put:
///                             bytes value, str content type
/// int32 failure count, then its operations as above
/// </code>
/// Nothing may follow. Decoding depends on the bytes alone (no setting, no limit from configuration), so every replica
/// decodes an entry the same way, or refuses it the same way.
/// </summary>
public static class TxnCodec
{
    public const byte Format = 1;

    // The fewest bytes a compare (kind, empty key, exists) and an operation (kind, empty key, as a get) take: counts are
    // checked against them before anything is sized by a count.
    private const int MinCompareLength = 1 + sizeof(int) + 1;
    private const int MinOpLength = 1 + sizeof(int);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>How many bytes <see cref="Encode"/> makes of <paramref name="transaction"/> (long: the caller checks it against a limit first).</summary>
    public static long GetEncodedLength(Transaction transaction)
    {
        long length = 1 + 3 * sizeof(int);
        foreach (var compare in transaction.Compare)
        {
            length += 1 + TextLength(compare.Key) + compare.Kind switch
            {
                TxnCompareKind.Version => sizeof(long),
                TxnCompareKind.Exists => 1,
                _ => sizeof(int) + compare.Value.Length,
            };
        }
        length += OpsLength(transaction.Success) + OpsLength(transaction.Failure);
        return length;
    }

    public static byte[] Encode(Transaction transaction)
    {
        long length = GetEncodedLength(transaction);
        if (length > Array.MaxLength) throw new ArgumentException($"A transaction of {length} bytes cannot be encoded.", nameof(transaction));
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = Format;
        int at = 1;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], transaction.Compare.Count);
        at += sizeof(int);
        foreach (var compare in transaction.Compare)
        {
            span[at++] = (byte)compare.Kind;
            at += WriteText(span[at..], compare.Key);
            switch (compare.Kind)
            {
                case TxnCompareKind.Version:
                    BinaryPrimitives.WriteInt64LittleEndian(span[at..], compare.Version);
                    at += sizeof(long);
                    break;
                case TxnCompareKind.Exists:
                    span[at++] = compare.Exists ? (byte)1 : (byte)0;
                    break;
                case TxnCompareKind.Value:
                    at += WriteBytes(span[at..], compare.Value.Span);
                    break;
                default:
                    throw new ArgumentException($"Unknown compare kind {compare.Kind}.", nameof(transaction));
            }
        }
        at += WriteOps(span[at..], transaction.Success);
        at += WriteOps(span[at..], transaction.Failure);
        return at == bytes.Length ? bytes : throw new InvalidOperationException("The transaction's encoded length was miscounted.");
    }

    /// <summary>
    /// The transaction in <paramref name="bytes"/>; values are slices of them, not copies. <see cref="FormatException"/>,
    /// and only that, when the bytes are not one well-formed transaction.
    /// </summary>
    public static Transaction Decode(ReadOnlyMemory<byte> bytes)
    {
        var rest = bytes;
        if (rest.IsEmpty) throw new FormatException("An encoded transaction is empty.");
        if (rest.Span[0] != Format) throw new FormatException($"Unknown transaction format {rest.Span[0]}.");
        rest = rest[1..];

        int compareCount = Count(ref rest, MinCompareLength, "compare");
        var compares = new TxnCompare[compareCount];
        for (int i = 0; i < compareCount; i++)
        {
            var kind = (TxnCompareKind)Byte(ref rest);
            string key = Key(ref rest);
            compares[i] = kind switch
            {
                TxnCompareKind.Version => TxnCompare.VersionIs(key, Int64(ref rest)),
                TxnCompareKind.Exists => TxnCompare.ExistsIs(key, Byte(ref rest) switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new FormatException($"An exists compare holds {other}, not 0 or 1."),
                }),
                TxnCompareKind.Value => TxnCompare.ValueIs(key, Field(ref rest)),
                _ => throw new FormatException($"Unknown compare kind {(byte)kind}."),
            };
        }
        var success = Ops(ref rest);
        var failure = Ops(ref rest);
        if (!rest.IsEmpty) throw new FormatException("Bytes follow the last operation of an encoded transaction.");
        return new Transaction(compares, success, failure);
    }

    private static long OpsLength(IReadOnlyList<TxnOp> ops)
    {
        long length = 0;
        foreach (var op in ops)
        {
            length += 1 + TextLength(op.Key);
            if (op.Kind == TxnOpKind.Put) length += sizeof(int) + op.Value.Length + TextLength(op.ContentType);
        }
        return length;
    }

    private static int WriteOps(Span<byte> destination, IReadOnlyList<TxnOp> ops)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, ops.Count);
        int at = sizeof(int);
        foreach (var op in ops)
        {
            if (!Enum.IsDefined(op.Kind)) throw new ArgumentException($"Unknown operation kind {op.Kind}.", nameof(ops));
            destination[at++] = (byte)op.Kind;
            at += WriteText(destination[at..], op.Key);
            if (op.Kind != TxnOpKind.Put) continue;
            at += WriteBytes(destination[at..], op.Value.Span);
            at += WriteText(destination[at..], op.ContentType);
        }
        return at;
    }

    private static TxnOp[] Ops(ref ReadOnlyMemory<byte> rest)
    {
        int count = Count(ref rest, MinOpLength, "operation");
        var ops = new TxnOp[count];
        for (int i = 0; i < count; i++)
        {
            var kind = (TxnOpKind)Byte(ref rest);
            string key = Key(ref rest);
            ops[i] = kind switch
            {
                TxnOpKind.Put => TxnOp.Put(key, Field(ref rest), Text(ref rest)),
                TxnOpKind.Delete => TxnOp.Delete(key),
                TxnOpKind.Get => TxnOp.Get(key),
                _ => throw new FormatException($"Unknown operation kind {(byte)kind}."),
            };
        }
        return ops;
    }

    private static int TextLength(string text) => sizeof(int) + Encoding.UTF8.GetByteCount(text);

    private static int WriteText(Span<byte> destination, string text)
    {
        int length = Encoding.UTF8.GetBytes(text, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return sizeof(int) + length;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, bytes.Length);
        bytes.CopyTo(destination[sizeof(int)..]);
        return sizeof(int) + bytes.Length;
    }

    private static int Count(ref ReadOnlyMemory<byte> rest, int minItemLength, string what)
    {
        if (rest.Length < sizeof(int)) throw new FormatException("An encoded transaction ends early.");
        int count = BinaryPrimitives.ReadInt32LittleEndian(rest.Span);
        rest = rest[sizeof(int)..];
        if (count < 0 || count > rest.Length / minItemLength)
            throw new FormatException($"An encoded transaction of {rest.Length} more bytes cannot hold {count} {what}s.");
        return count;
    }

    private static byte Byte(ref ReadOnlyMemory<byte> rest)
    {
        if (rest.IsEmpty) throw new FormatException("An encoded transaction ends early.");
        byte value = rest.Span[0];
        rest = rest[1..];
        return value;
    }

    private static long Int64(ref ReadOnlyMemory<byte> rest)
    {
        if (rest.Length < sizeof(long)) throw new FormatException("An encoded transaction ends early.");
        long value = BinaryPrimitives.ReadInt64LittleEndian(rest.Span);
        rest = rest[sizeof(long)..];
        return value;
    }

    private static ReadOnlyMemory<byte> Field(ref ReadOnlyMemory<byte> rest)
    {
        if (rest.Length < sizeof(int)) throw new FormatException("An encoded transaction ends early.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(rest.Span);
        if (length < 0 || length > rest.Length - sizeof(int)) throw new FormatException("An encoded transaction ends early.");
        var field = rest.Slice(sizeof(int), length);
        rest = rest[(sizeof(int) + length)..];
        return field;
    }

    private static string Text(ref ReadOnlyMemory<byte> rest)
    {
        var field = Field(ref rest);
        try
        {
            return field.IsEmpty ? "" : StrictUtf8.GetString(field.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("A text field of an encoded transaction is not UTF-8.");
        }
    }

    private static string Key(ref ReadOnlyMemory<byte> rest)
    {
        string key = Text(ref rest);
        return key.Length > 0 ? key : throw new FormatException("An encoded transaction names an empty key.");
    }
}
