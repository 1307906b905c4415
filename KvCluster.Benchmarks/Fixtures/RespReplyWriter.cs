using System.Buffers;
using System.Globalization;
using System.Text;

namespace KvCluster.Benchmarks.Fixtures;

/// <summary>
/// Writes RESP replies as Redis sends them (nested arrays of bulk strings), so a benchmark can hand the node's
/// parser the bytes of an XREAD reply without a Redis in the loop. The project's RespWriter writes commands only.
/// </summary>
internal sealed class RespReplyWriter
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    public RespReplyWriter Array(int count) => Header('*', count);

    public RespReplyWriter Bulk(ReadOnlySpan<byte> bytes)
    {
        Header('$', bytes.Length);
        _bytes.Write(bytes);
        _bytes.Write("\r\n"u8);
        return this;
    }

    public RespReplyWriter Bulk(string text) => Bulk(Encoding.UTF8.GetBytes(text));

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    private RespReplyWriter Header(char type, long length)
    {
        _bytes.Write(Encoding.ASCII.GetBytes(type + length.ToString(CultureInfo.InvariantCulture) + "\r\n"));
        return this;
    }
}
