using System.Buffers.Binary;
using System.Text;

namespace KvCluster.Tests.Observability;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP payloads: fields as (number, wire type), varints,
/// fixed 32/64-bit values and length-delimited bytes; whatever a test does not ask for is skipped.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> buffer)
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public int WireType { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool TryReadField(out int fieldNumber)
    {
        if (_position >= _buffer.Length)
        {
            fieldNumber = 0;
            return false;
        }
        ulong tag = ReadVarint();
        fieldNumber = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("A varint longer than 10 bytes.");
    }

    public ulong ReadFixed64()
    {
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = checked((int)ReadVarint());
        var bytes = _buffer.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>A number in whichever encoding the field has (varint or fixed 64-bit).</summary>
    public long ReadInt64() => WireType == Fixed64 ? (long)ReadFixed64() : (long)ReadVarint();

    public void Skip()
    {
        switch (WireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: _position += 8; break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: _position += 4; break;
            default: throw new FormatException($"Unsupported wire type {WireType}.");
        }
    }
}
