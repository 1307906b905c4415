using System.Buffers.Binary;
using System.Text;
using KvCluster.Node.Transactions;
using static KvCluster.Tests.Transactions.TxnLog;

namespace KvCluster.Tests.Transactions;

public sealed class TxnCodecTests
{
    private static readonly Transaction Every = new(
        [TxnCompare.VersionIs("a", 12), TxnCompare.ExistsIs("b", false), TxnCompare.ExistsIs("b2", true), TxnCompare.ValueIs("c", Bytes("on")),
         TxnCompare.ValueIs("users/ä😀", new byte[] { 0, 0xFF, 0x80 }), TxnCompare.VersionIs("v0", 0)],
        [TxnOp.Put("a", Bytes("x"), "text/plain"), TxnOp.Delete("b"), TxnOp.Get("c"), TxnOp.Put("empty", ReadOnlyMemory<byte>.Empty)],
        [TxnOp.Get("a"), TxnOp.Put("bin", new byte[] { 1, 2, 3 }, "application/octet-stream")]);

    [Fact]
    public void A_transaction_decodes_to_what_was_encoded_field_by_field()
    {
        byte[] bytes = TxnCodec.Encode(Every);
        Assert.Equal(bytes.Length, TxnCodec.GetEncodedLength(Every));

        var decoded = TxnCodec.Decode(bytes);

        Assert.Equal(Describe(Every), Describe(decoded));
        Assert.Equal(bytes, TxnCodec.Encode(decoded));
    }

    [Fact]
    public void An_empty_transaction_and_one_with_only_a_failure_branch_round_trip()
    {
        var empty = new Transaction([], [], []);
        Assert.Equal(Describe(empty), Describe(TxnCodec.Decode(TxnCodec.Encode(empty))));
        var onlyFailure = new Transaction([TxnCompare.ExistsIs("k", true)], [], [TxnOp.Get("k")]);
        Assert.Equal(Describe(onlyFailure), Describe(TxnCodec.Decode(TxnCodec.Encode(onlyFailure))));
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        byte[] valid = TxnCodec.Encode(Every);
        var data = new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "unknown format", [2, .. valid[1..]] },
            { "truncated by one byte", valid[..^1] },
            { "a byte after the end", [.. valid, 0] },
            { "only the format byte", [1] },
        };
        // A count larger than the bytes can hold: must be refused before anything is sized by it.
        byte[] hugeCount = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hugeCount.AsSpan(1), int.MaxValue);
        data.Add("compare count of int.MaxValue", hugeCount);
        byte[] negativeCount = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negativeCount.AsSpan(1), -1);
        data.Add("negative compare count", negativeCount);

        data.Add("unknown compare kind", Compare(kind: 9, key: "k", tail: [0]));
        data.Add("exists compare of 2", Compare(kind: 2, key: "k", tail: [2]));
        data.Add("empty key", Compare(kind: 2, key: "", tail: [1]));
        data.Add("key not UTF-8", Compare(kind: 2, keyBytes: [0xC3, 0x28], tail: [1]));
        data.Add("unknown op kind", Op(kind: 7, key: "k"));
        data.Add("a put without its value", Op(kind: 1, key: "k"));
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_bytes_are_refused_with_FormatException(string why, byte[] bytes)
    {
        var refused = Assert.Throws<FormatException>(() => TxnCodec.Decode(bytes));
        Assert.False(string.IsNullOrEmpty(refused.Message), why);
    }

    // format, one compare of the given kind and key, the tail, then two empty branches.
    private static byte[] Compare(byte kind, string key = "", byte[]? keyBytes = null, byte[]? tail = null)
    {
        keyBytes ??= Encoding.UTF8.GetBytes(key);
        return [1, .. Int32(1), kind, .. Int32(keyBytes.Length), .. keyBytes, .. tail ?? [], .. Int32(0), .. Int32(0)];
    }

    // format, no compares, a success branch of one op of the given kind and key (nothing more), an empty failure branch.
    private static byte[] Op(byte kind, string key) =>
        [1, .. Int32(0), .. Int32(1), kind, .. Int32(Encoding.UTF8.GetByteCount(key)), .. Encoding.UTF8.GetBytes(key), .. Int32(0)];

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static string Describe(Transaction transaction) => string.Join("\n",
        transaction.Compare.Select(c => $"if {c.Kind} {c.Key} {c.Version} {c.Exists} {Convert.ToHexString(c.Value.Span)}")
            .Concat(transaction.Success.Select(op => $"then {op.Kind} {op.Key} {Convert.ToHexString(op.Value.Span)} '{op.ContentType}'"))
            .Concat(transaction.Failure.Select(op => $"else {op.Kind} {op.Key} {Convert.ToHexString(op.Value.Span)} '{op.ContentType}'")));
}
