using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// Writes snapshot fields through one reusable buffer to a stream, hashing every byte on the way out, then
/// appends the SHA-256 trailer. Streams: memory stays at one buffer whatever the snapshot's size.
/// </summary>
internal sealed class SnapshotWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _destination;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _used;

    public SnapshotWriter(Stream destination)
    {
        _destination = destination;
    }

    /// <summary>Bytes handed to the destination so far, trailer included once finished.</summary>
    public long BytesWritten { get; private set; }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _buffer.Length - _used)
        {
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
            return;
        }
        FlushBuffer();
        if (bytes.Length < _buffer.Length)
        {
            bytes.CopyTo(_buffer);
            _used = bytes.Length;
            return;
        }
        // A large value goes straight through rather than being copied into the buffer piece by piece.
        _hash.AppendData(bytes);
        _destination.Write(bytes);
        BytesWritten += bytes.Length;
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(sizeof(ushort)), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(sizeof(int)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(sizeof(long)), value);

    public void WriteLengthPrefixed(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Writes <paramref name="value"/> as int32 length + UTF-8; <paramref name="byteCount"/> is its UTF-8 length.</summary>
    public void WriteString(string value, int byteCount)
    {
        WriteInt32(byteCount);
        if (byteCount <= _buffer.Length)
        {
            Encoding.UTF8.GetBytes(value, Reserve(byteCount));
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(byteCount);
        int written = Encoding.UTF8.GetBytes(value, rented);
        WriteRaw(rented.AsSpan(0, written));
        ArrayPool<byte>.Shared.Return(rented);
    }

    public void WriteString(string value) => WriteString(value, Encoding.UTF8.GetByteCount(value));

    /// <summary>Writes the SHA-256 of everything written so far and flushes the destination.</summary>
    public void Finish()
    {
        FlushBuffer();
        Span<byte> checksum = stackalloc byte[SnapshotFormat.ChecksumLength];
        _hash.GetHashAndReset(checksum);
        _destination.Write(checksum);
        BytesWritten += checksum.Length;
        _destination.Flush();
    }

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _used < length)
            FlushBuffer();
        var span = _buffer.AsSpan(_used, length);
        _used += length;
        return span;
    }

    private void FlushBuffer()
    {
        if (_used == 0)
            return;
        var pending = _buffer.AsSpan(0, _used);
        _hash.AppendData(pending);
        _destination.Write(pending);
        BytesWritten += _used;
        _used = 0;
    }
}
