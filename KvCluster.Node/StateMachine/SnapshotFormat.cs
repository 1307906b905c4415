namespace KvCluster.Node.StateMachine;

/// <summary>
/// The layout of a state machine snapshot, version 2 (version 1, still read, lacks each entry's lease and the leases). All integers little-endian; "str" and "bytes" are an
/// int32 length followed by that many bytes (strings UTF-8).
/// <code>
/// "KVSNAP"                      6 bytes of magic
/// uint16 format version         2
/// int64  applied seq
/// int64  log time (unix ms)
/// str    chain hash of the last applied entry
/// int64  entry count
///   per entry, in ordinal key order: int32 body length, then the body:
///   str key, int64 version, int64 created seq, str content type, bytes value, str lease ("" when none; from version 2)
/// int64  idempotency record count
///   per record, oldest first: str idempotency key, int64 seq, uint8 outcome, int64 result version, int64 recorded at
/// int64  lease count                                                          (from version 2)
///   per lease, in ordinal id order: str id, int64 TTL (s), int64 grant seq, int64 grant deadline (Redis time, unix ms)
/// 32 bytes SHA-256 over everything before it
/// </code>
/// </summary>
internal static class SnapshotFormat
{
    public static ReadOnlySpan<byte> Magic => "KVSNAP"u8;

    public const ushort CurrentVersion = 2;

    /// <summary>The oldest version this build still reads (1: written before leases; it has none).</summary>
    public const ushort OldestReadableVersion = 1;

    public const int ChecksumLength = 32;

    /// <summary>Bytes before the first entry that do not depend on the chain hash's length.</summary>
    public const int FixedHeaderLength = 6 + sizeof(ushort) + sizeof(long) * 2;

    /// <summary>
    /// Upper bound on any one length field. Guards against a corrupted length making the reader allocate
    /// gigabytes before the checksum at the end could reject the file.
    /// </summary>
    public const int MaxFieldLength = 256 * 1024 * 1024;
}
