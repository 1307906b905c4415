using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// Reads snapshot fields from a stream through one reusable buffer, hashing every byte consumed, so the
/// trailer can be checked at the end without holding the snapshot in memory. Every way the bytes can be
/// wrong — too few, a length that cannot be, invalid UTF-8, a checksum mismatch — is a
/// <see cref="SnapshotFormatException"/> naming the offset.
/// </summary>
internal sealed class SnapshotReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _source;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    // Stream offset of _buffer[0]; bytes _start.._end are read but not consumed; _hashedFrom.._start are
    // consumed but not yet hashed (hashed a buffer at a time, not per field).
    private long _bufferOrigin;
    private int _start;
    private int _end;
    private int _hashedFrom;
    private bool _hashing = true;

    // The stream's length from where reading began, when it is known (files): lets a corrupted length
    // field be rejected before anything is allocated for it.
    private readonly long? _length;

    public SnapshotReader(Stream source)
    {
        _source = source;
        if (source.CanSeek)
            _length = source.Length - source.Position;
    }

    /// <summary>Bytes consumed since reading began.</summary>
    public long Position => _bufferOrigin + _start;

    public void ReadExactly(Span<byte> destination)
    {
        int available = _end - _start;
        if (destination.Length <= available)
        {
            _buffer.AsSpan(_start, destination.Length).CopyTo(destination);
            _start += destination.Length;
            return;
        }

        _buffer.AsSpan(_start, available).CopyTo(destination);
        _start = _end;
        destination = destination[available..];
        if (destination.Length >= _buffer.Length)
        {
            // Large values bypass the buffer.
            DiscardBuffer();
            int read = _source.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            if (read < destination.Length)
                throw Truncated(destination.Length - read);
            if (_hashing)
                _hash.AppendData(destination);
            _bufferOrigin += destination.Length;
            return;
        }
        Fill(destination.Length);
        _buffer.AsSpan(0, destination.Length).CopyTo(destination);
        _start = destination.Length;
    }

    public byte ReadByte()
    {
        Span<byte> bytes = stackalloc byte[1];
        ReadExactly(bytes);
        return bytes[0];
    }

    public ushort ReadUInt16()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ushort)];
        ReadExactly(bytes);
        return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    public int ReadInt32()
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public long ReadInt64()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        ReadExactly(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>An int32 length that must fit the bounds and what is left of the stream.</summary>
    public int ReadLength(string what)
    {
        long at = Position;
        int length = ReadInt32();
        if (length is < 0 or > SnapshotFormat.MaxFieldLength)
            throw new SnapshotFormatException($"the {what} length {length} at byte {at} is out of range");
        if (_length is { } total && length > total - Position)
            throw new SnapshotFormatException($"the {what} length {length} at byte {at} runs past the end of the data (truncated)");
        return length;
    }

    /// <summary>An int64 count of items each at least <paramref name="minItemBytes"/> long.</summary>
    public long ReadCount(string what, int minItemBytes)
    {
        long at = Position;
        long count = ReadInt64();
        if (count is < 0 or > int.MaxValue)
            throw new SnapshotFormatException($"the {what} count {count} at byte {at} is out of range");
        if (_length is { } total && count * minItemBytes > total - Position)
            throw new SnapshotFormatException($"the {what} count {count} at byte {at} needs more bytes than remain (truncated)");
        return count;
    }

    public byte[] ReadBytes(string what)
    {
        int length = ReadLength(what);
        byte[] bytes = length == 0 ? [] : KvRecord.NewValue(length);
        ReadExactly(bytes);
        return bytes;
    }

    public string ReadString(string what)
    {
        int length = ReadLength(what);
        long at = Position;
        try
        {
            if (length <= _end - _start)
            {
                string text = StrictUtf8.GetString(_buffer, _start, length);
                _start += length;
                return text;
            }
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                ReadExactly(rented.AsSpan(0, length));
                return StrictUtf8.GetString(rented, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        catch (DecoderFallbackException e)
        {
            throw new SnapshotFormatException($"the {what} at byte {at} is not valid UTF-8", e);
        }
    }

    /// <summary>
    /// Reads the SHA-256 trailer, compares it with the hash of everything consumed, and requires the stream to
    /// end right after it.
    /// </summary>
    public void VerifyChecksumAndEnd()
    {
        HashConsumed();
        _hashing = false;
        Span<byte> computed = stackalloc byte[SnapshotFormat.ChecksumLength];
        _hash.GetHashAndReset(computed);

        Span<byte> stored = stackalloc byte[SnapshotFormat.ChecksumLength];
        ReadExactly(stored);
        if (!computed.SequenceEqual(stored))
            throw new SnapshotFormatException($"checksum mismatch: the SHA-256 of the first {Position - stored.Length} bytes does not match the trailer");

        bool trailing = _end > _start || _source.Read(_buffer, 0, 1) > 0;
        if (trailing)
            throw new SnapshotFormatException($"unexpected bytes after the checksum at byte {Position}");
    }

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    // Refills the (fully consumed) buffer with at least `needed` bytes.
    private void Fill(int needed)
    {
        DiscardBuffer();
        int read = _source.ReadAtLeast(_buffer, needed, throwOnEndOfStream: false);
        if (read < needed)
            throw Truncated(needed - read);
        _end = read;
    }

    private void DiscardBuffer()
    {
        HashConsumed();
        _bufferOrigin += _end;
        _start = _end = _hashedFrom = 0;
    }

    private void HashConsumed()
    {
        if (_hashing && _start > _hashedFrom)
            _hash.AppendData(_buffer.AsSpan(_hashedFrom, _start - _hashedFrom));
        _hashedFrom = _start;
    }

    private SnapshotFormatException Truncated(int missing) =>
        new($"truncated: the data ends about {missing} bytes short, near byte {Position}");
}
