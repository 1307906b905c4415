using System.Buffers;
using System.Text;
using KvCluster.Log.Resp;

namespace KvCluster.Tests.Resp;

public class RespReaderTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static RespValue ReadWhole(string text)
    {
        var bytes = Bytes(text);
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out var value, out var consumed));
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        return value;
    }

    [Fact]
    public void Reads_simple_string()
    {
        var value = ReadWhole("+OK\r\n");
        Assert.Equal(RespType.SimpleString, value.Type);
        Assert.Equal("OK", value.AsString());
    }

    [Fact]
    public void Reads_error()
    {
        var value = ReadWhole("-WRONGTYPE Operation against a key\r\n");
        Assert.Equal(RespType.Error, value.Type);
        Assert.Equal("WRONGTYPE Operation against a key", value.AsString());
    }

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":42\r\n", 42L)]
    [InlineData(":-7\r\n", -7L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData(":-9223372036854775808\r\n", long.MinValue)]
    public void Reads_integers(string text, long expected)
    {
        var value = ReadWhole(text);
        Assert.Equal(RespType.Integer, value.Type);
        Assert.Equal(expected, value.AsInt64());
    }

    [Fact]
    public void Reads_bulk_string_whose_payload_contains_crlf()
    {
        var value = ReadWhole("$4\r\na\r\nb\r\n");
        Assert.Equal(RespType.BulkString, value.Type);
        Assert.Equal("a\r\nb", value.AsString());
    }

    [Fact]
    public void Reads_empty_and_null_bulk_strings()
    {
        var empty = ReadWhole("$0\r\n\r\n");
        Assert.Equal(RespType.BulkString, empty.Type);
        Assert.Equal(0, empty.Bytes.Length);

        Assert.True(ReadWhole("$-1\r\n").IsNull);
    }

    [Fact]
    public void Reads_arrays_null_empty_and_nested()
    {
        Assert.True(ReadWhole("*-1\r\n").IsNull);
        Assert.Empty(ReadWhole("*0\r\n").Items);

        var value = ReadWhole("*3\r\n$3\r\nfoo\r\n:5\r\n*2\r\n+x\r\n$-1\r\n");
        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal("foo", value.Items[0].AsString());
        Assert.Equal(5, value.Items[1].AsInt64());
        var inner = value.Items[2].Items;
        Assert.Equal("x", inner[0].AsString());
        Assert.True(inner[1].IsNull);
    }

    [Fact]
    public void Consumes_exactly_one_reply_and_leaves_the_next()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes("$3\r\nabc\r\n:1\r\n+O"));
        Assert.True(RespReader.TryRead(ref buffer, out var first));
        Assert.Equal("abc", first.AsString());
        Assert.True(RespReader.TryRead(ref buffer, out var second));
        Assert.Equal(1, second.AsInt64());
        Assert.False(RespReader.TryRead(ref buffer, out _));
        Assert.Equal("+O", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Bulk_payload_is_copied_out_of_the_buffer()
    {
        var bytes = Bytes("$5\r\nhello\r\n");
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out var value, out _));
        bytes.AsSpan().Fill((byte)'z'); // the network buffer is reused for the next read
        Assert.Equal("hello", value.AsString());
    }

    public static TheoryData<string> WellFormedReplies() =>
    [
        "+OK\r\n",
        "-ERR unknown command\r\n",
        ":-12345\r\n",
        "$5\r\nhello\r\n",
        "$0\r\n\r\n",
        "$-1\r\n",
        "*-1\r\n",
        "*0\r\n",
        "*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n",
        "*1\r\n*1\r\n*1\r\n+deep\r\n",
    ];

    [Theory]
    [MemberData(nameof(WellFormedReplies))]
    public void Every_proper_prefix_is_incomplete(string text)
    {
        var bytes = Bytes(text);
        for (int length = 0; length < bytes.Length; length++)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(RespReader.TryRead(prefix, out _, out var consumed), $"prefix of {length} bytes");
            Assert.Equal(prefix.Start, consumed);
            Assert.False(RespReader.TrySkip(prefix, out _), $"skip of {length} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(WellFormedReplies))]
    public void Reply_split_across_segments_at_any_point_reads_the_same(string text)
    {
        var bytes = Bytes(text);
        var expected = ReadWhole(text).ToString();
        for (int at = 0; at <= bytes.Length; at++)
        {
            var split = Segments.SplitAt(bytes, at);
            Assert.True(RespReader.TryRead(split, out var value, out var consumed), $"split at {at}");
            Assert.Equal(expected, value.ToString());
            Assert.Equal(split.End, consumed);
            Assert.True(RespReader.TrySkip(split, out var skipped));
            Assert.Equal(split.End, skipped);
        }
    }

    [Theory]
    [InlineData("!3\r\nabc\r\n")]          // unknown type prefix
    [InlineData("_\r\n")]                  // RESP3 null: never negotiated
    [InlineData(":12a\r\n")]               // not a number
    [InlineData(":\r\n")]                  // empty number
    [InlineData(":-\r\n")]                 // sign only
    [InlineData(":+5\r\n")]                // RESP has no plus sign
    [InlineData(":99999999999999999999\r\n")] // overflows long
    [InlineData(":9223372036854775808\r\n")]  // long.MaxValue + 1
    [InlineData("$-2\r\n")]                // negative length other than -1
    [InlineData("$abc\r\n")]
    [InlineData("$3\r\nabcXY")]            // payload not followed by CRLF
    [InlineData("$3\r\nabc\n\r")]
    [InlineData("*-5\r\n")]
    [InlineData("*1\r\n?\r\n")]            // bad element
    [InlineData("+OK\rX")]                 // CR not followed by LF
    [InlineData(":123456789012345678901234567890")] // number line too long, no CRLF yet
    public void Malformed_input_throws_protocol_exception(string text)
    {
        var bytes = Bytes(text);
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.Throws<RespProtocolException>(() => RespReader.TrySkip(new ReadOnlySequence<byte>(bytes), out _));
    }

    [Fact]
    public void Bulk_longer_than_redis_allows_is_malformed()
    {
        var bytes = Bytes($"${RespReader.MaxBulkLength + 1}\r\n");
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
    }

    [Fact]
    public void Simple_string_without_end_is_malformed_once_longer_than_the_limit()
    {
        var bytes = Bytes("+" + new string('a', RespReader.MaxSimpleLineLength + 1));
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
        // Shorter: still just waiting for the rest.
        Assert.False(RespReader.TryRead(new ReadOnlySequence<byte>(bytes, 0, 100), out _, out _));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_malformed_not_a_stack_overflow()
    {
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 1)) + ":1\r\n";
        Assert.Throws<RespProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(Bytes(deep)), out _, out _));

        var allowed = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth)) + ":1\r\n";
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(Bytes(allowed)), out _, out _));
    }
}
