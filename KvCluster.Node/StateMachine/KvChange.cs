namespace KvCluster.Node.StateMachine;

/// <summary>Whether a <see cref="KvChange"/> wrote a key or removed it.</summary>
public enum KvChangeKind
{
    Put,
    Delete,
}

/// <summary>
/// One change to one key made by applying an entry: what a watch stream sends (docs/architecture.md §8.1). A put,
/// a delete, a transaction's writes and a lease's end each make zero or more; entries that change nothing (a failed
/// precondition, a delete of an absent key) make none. <paramref name="Value"/> is the record's own immutable
/// array (no copy); empty for a delete. <paramref name="Version"/> is the key's new version for a put, the seq of
/// the deleting entry for a delete. <paramref name="Cause"/> says why a key was deleted without a delete of its own:
/// <see cref="LeaseRevokedCause"/> or <see cref="LeaseExpiredCause"/>; "" otherwise.
/// </summary>
public sealed record KvChange(long Seq, string Key, KvChangeKind Kind, long Version, string ContentType, ReadOnlyMemory<byte> Value,
    string Cause = "")
{
    public const string LeaseRevokedCause = "lease-revoked";
    public const string LeaseExpiredCause = "lease-expired";
}
