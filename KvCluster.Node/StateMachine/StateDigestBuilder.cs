using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// SHA-256 over a stream of fields, each written unambiguously (fixed-width integers, length-prefixed
/// bytes), so two different states cannot feed the hash the same bytes.
/// </summary>
internal sealed class StateDigestBuilder : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(long value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _hash.AppendData(bytes);
    }

    public void Add(ReadOnlySpan<byte> value)
    {
        Add(value.Length);
        _hash.AppendData(value);
    }

    public void Add(string value)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        int length = Encoding.UTF8.GetBytes(value, rented);
        Add(rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    public string ToHex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose() => _hash.Dispose();
}
