using System.Buffers;
using System.Text;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;

namespace KvCluster.Tests.Resp;

public class RespWriterTests
{
    private static string Write(RedisCommand command)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, command);
        Assert.Equal(RespWriter.GetCommandLength(command.Parts), output.WrittenCount);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Writes_a_command_as_an_array_of_bulk_strings()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", Write(new RedisCommand("SET").Add("key").Add("value")));
    }

    [Fact]
    public void Writes_a_command_without_arguments()
    {
        Assert.Equal("*1\r\n$4\r\nPING\r\n", Write(new RedisCommand("PING")));
    }

    [Fact]
    public void Writes_empty_and_integer_and_binary_arguments_exactly()
    {
        var command = new RedisCommand("XADD").Add("").Add(-1234567890123L).Add(new byte[] { 0, 13, 10, 255 });
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, command);
        byte[] expected = [.. "*4\r\n$4\r\nXADD\r\n$0\r\n\r\n$14\r\n-1234567890123\r\n$4\r\n"u8, 0, 13, 10, 255, .. "\r\n"u8];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Counts_multibyte_utf8_in_bytes_not_chars()
    {
        Assert.Equal("*2\r\n$3\r\nGET\r\n$4\r\nkø1\r\n", Write(new RedisCommand("GET").Add("kø1")));
    }

    [Fact]
    public void Large_arguments_are_written_in_pieces_with_exact_lengths()
    {
        var big = new byte[100_000];
        new Random(7).NextBytes(big);
        var output = new ArrayBufferWriter<byte>(256); // smaller than the command: forces many spans
        RespWriter.WriteCommand(output, new RedisCommand("SET").Add("k").Add(big));

        var header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n"u8.ToArray();
        Assert.Equal(header, output.WrittenSpan[..header.Length].ToArray());
        Assert.Equal(header.Length + big.Length + 2, output.WrittenCount);
        Assert.True(output.WrittenSpan[header.Length..^2].SequenceEqual(big));
        Assert.Equal("\r\n"u8.ToArray(), output.WrittenSpan[^2..].ToArray());
    }
}
