using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KvCluster.Log.Redis;

/// <summary>
/// What the lease entries of the log carry (docs/architecture.md §8.2), shared by the nodes that write and apply them
/// and the coordinator that expires leases. A LeaseGrant's key is the lease id and its value "{ttl s}:{deadline ms}";
/// a LeaseRevoke's key is the lease id and its value <see cref="Expired"/> or <see cref="Revoked"/>.
/// </summary>
public static class LeaseEntryFormat
{
    /// <summary>The value of a LeaseRevoke appended by the coordinator's expirer.</summary>
    public const string Expired = "expired";

    /// <summary>The value of a LeaseRevoke a client asked for (DELETE /v1/leases/{id}).</summary>
    public const string Revoked = "revoked";

    /// <summary>Lease ids are this many lowercase hex digits.</summary>
    public const int IdLength = 16;

    /// <summary>A fresh random lease id (64 bits).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));

    /// <summary>Whether <paramref name="id"/> has the form of a lease id: <see cref="IdLength"/> lowercase hex digits.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: IdLength } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static byte[] EncodeGrant(long ttlSeconds, long deadlineUnixMs) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{ttlSeconds}:{deadlineUnixMs}"));

    /// <summary>Reads a LeaseGrant's value; false when it is not "{ttl s}:{deadline ms}" with a positive TTL.</summary>
    public static bool TryDecodeGrant(ReadOnlySpan<byte> value, out long ttlSeconds, out long deadlineUnixMs)
    {
        ttlSeconds = deadlineUnixMs = 0;
        int colon = value.IndexOf((byte)':');
        return colon > 0
            && long.TryParse(value[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out ttlSeconds)
            && long.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out deadlineUnixMs)
            && ttlSeconds > 0;
    }

    /// <summary>
    /// The idempotency key of the revoke that expires one grant of a lease. It starts with a space, which a client's
    /// Idempotency-Key (visible ASCII only) cannot, so no client can take it; it names the grant (its Redis time), so
    /// the same id granted again later expires again. Every coordinator derives the same key for the same expiry, so
    /// the sequencer appends that revoke once however many expirers race or retry.
    /// </summary>
    public static string ExpiryIdempotencyKey(string id, long grantedAtUnixMs) =>
        string.Create(CultureInfo.InvariantCulture, $" lease-expired {id} {grantedAtUnixMs}");
}
