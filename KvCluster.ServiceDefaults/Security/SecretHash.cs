using System.Security.Cryptography;
using System.Text;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// Secrets are kept and compared as SHA-256 digests: two digests of fixed length compared in constant time say
/// nothing about how much of a guess was right, and the secret itself need not stay in memory.
/// </summary>
public static class SecretHash
{
    public const int Length = SHA256.HashSizeInBytes;

    public static byte[] Of(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Writes the digest of <paramref name="secret"/> to <paramref name="digest"/>; no allocation for secrets of usual length.</summary>
    public static void Compute(ReadOnlySpan<char> secret, Span<byte> digest)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(secret.Length);
        Span<byte> bytes = maxBytes <= 768 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        int written = Encoding.UTF8.GetBytes(secret, bytes);
        SHA256.HashData(bytes[..written], digest);
        CryptographicOperations.ZeroMemory(bytes[..written]);
    }

    public static bool Equal(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => CryptographicOperations.FixedTimeEquals(left, right);
}
