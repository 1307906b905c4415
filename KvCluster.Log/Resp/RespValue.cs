using System.Globalization;
using System.Text;

namespace KvCluster.Log.Resp;

/// <summary>One parsed RESP reply. Bulk payloads stay bytes; strings are made only when asked.</summary>
public readonly struct RespValue
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly RespValue[]? _items;
    private readonly long _integer;

    private RespValue(RespType type, ReadOnlyMemory<byte> bytes, RespValue[]? items, long integer)
    {
        Type = type;
        _bytes = bytes;
        _items = items;
        _integer = integer;
    }

    public RespType Type { get; }

    public bool IsNull => Type == RespType.Null;

    public static readonly RespValue Null = new(RespType.Null, default, null, 0);

    public static RespValue SimpleString(ReadOnlyMemory<byte> text) => new(RespType.SimpleString, text, null, 0);
    public static RespValue Error(ReadOnlyMemory<byte> text) => new(RespType.Error, text, null, 0);
    public static RespValue Integer(long value) => new(RespType.Integer, default, null, value);
    public static RespValue BulkString(ReadOnlyMemory<byte> bytes) => new(RespType.BulkString, bytes, null, 0);
    public static RespValue Array(RespValue[] items) => new(RespType.Array, default, items, 0);

    /// <summary>The payload of a simple string, error or bulk string.</summary>
    public ReadOnlyMemory<byte> Bytes => Type is RespType.SimpleString or RespType.Error or RespType.BulkString
        ? _bytes
        : throw new InvalidOperationException($"A {Type} reply has no bytes.");

    /// <summary>The elements of an array reply.</summary>
    public IReadOnlyList<RespValue> Items => Type == RespType.Array
        ? _items!
        : throw new InvalidOperationException($"A {Type} reply is not an array.");

    /// <summary>An integer reply, or a string reply holding a decimal integer.</summary>
    public long AsInt64() => Type switch
    {
        RespType.Integer => _integer,
        RespType.BulkString or RespType.SimpleString => ParseInt64(_bytes.Span),
        _ => throw new InvalidOperationException($"A {Type} reply is not an integer."),
    };

    // Straight from the bytes: this runs for every log entry a node reads, and a string per number added up.
    private static long ParseInt64(ReadOnlySpan<byte> text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"'{Encoding.UTF8.GetString(text)}' is not a 64-bit integer.");

    /// <summary>The text of a string reply (UTF-8), or null for a null reply.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.SimpleString or RespType.Error or RespType.BulkString => Encoding.UTF8.GetString(_bytes.Span),
        _ => throw new InvalidOperationException($"A {Type} reply is not a string."),
    };

    public override string ToString() => Type switch
    {
        RespType.Array => "[" + string.Join(", ", _items!.Select(i => i.ToString())) + "]",
        RespType.Null => "(nil)",
        _ => $"{Type}:{AsString()}",
    };
}
