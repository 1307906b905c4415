using System.Text;

namespace KvCluster.Node.StateMachine;

/// <summary>Snapshot export and import (layout in <see cref="SnapshotFormat"/>).</summary>
public sealed partial class KvStateMachine
{
    // Smallest possible encodings, used to reject counts that the remaining bytes cannot hold.
    private const int MinEntryBytes = sizeof(int) + sizeof(int) + sizeof(long) * 2 + sizeof(int) * 2;
    private const int MinIdempotencyRecordBytes = sizeof(int) + sizeof(long) * 3 + 1;
    private const int MinLeaseBytes = sizeof(int) + sizeof(long) * 3;
    private const int CancellationCheckEvery = 4096;

    /// <summary>
    /// Writes the whole state, as of one applied seq, to <paramref name="destination"/>. Apply is held off only
    /// while references to the (immutable) records are copied; serialising runs outside the lock, so the tailer
    /// keeps applying while a large snapshot is written. Returns the header of what was written.
    /// </summary>
    public SnapshotHeader WriteSnapshot(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);

        SnapshotHeader header;
        (string Key, KvRecord Record)[] records;
        (string Key, IdempotencyRecord Record)[] idempotency;
        (string Id, long TtlSeconds, long GrantedSeq, long DeadlineUnixMs)[] leases;
        lock (_applyLock)
        {
            records = new (string, KvRecord)[_count];
            int i = 0;
            foreach (string key in _index.From("", inclusive: true))
                records[i++] = (key, _records[key]);
            idempotency = _idempotency.ToArrayOldestFirst();
            leases = LeasesInIdOrder();
            header = new SnapshotHeader(SnapshotFormat.CurrentVersion, _appliedSeq, _logTimeUnixMs, _lastChainHash, records.Length);
        }

        using var writer = new SnapshotWriter(destination);
        writer.WriteRaw(SnapshotFormat.Magic);
        writer.WriteUInt16(SnapshotFormat.CurrentVersion);
        writer.WriteInt64(header.AppliedSeq);
        writer.WriteInt64(header.LogTimeUnixMs);
        writer.WriteString(header.LastChainHash);

        writer.WriteInt64(records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            if (i % CancellationCheckEvery == 0)
                cancellationToken.ThrowIfCancellationRequested();
            var (key, record) = records[i];
            int keyBytes = Encoding.UTF8.GetByteCount(key);
            int contentTypeBytes = Encoding.UTF8.GetByteCount(record.ContentType);
            int leaseBytes = Encoding.UTF8.GetByteCount(record.Lease);
            writer.WriteInt32(checked(sizeof(int) * 4 + keyBytes + sizeof(long) * 2 + contentTypeBytes + record.Size + leaseBytes));
            writer.WriteString(key, keyBytes);
            writer.WriteInt64(record.Version);
            writer.WriteInt64(record.CreatedSeq);
            writer.WriteString(record.ContentType, contentTypeBytes);
            writer.WriteLengthPrefixed(record.Value.Span);
            writer.WriteString(record.Lease, leaseBytes);
        }

        writer.WriteInt64(idempotency.Length);
        foreach (var (key, record) in idempotency)
        {
            writer.WriteString(key);
            writer.WriteInt64(record.Seq);
            writer.WriteByte((byte)record.Result.Outcome);
            writer.WriteInt64(record.Result.Version);
            writer.WriteInt64(record.RecordedAtUnixMs);
        }

        writer.WriteInt64(leases.Length);
        foreach (var lease in leases)
        {
            writer.WriteString(lease.Id);
            writer.WriteInt64(lease.TtlSeconds);
            writer.WriteInt64(lease.GrantedSeq);
            writer.WriteInt64(lease.DeadlineUnixMs);
        }
        writer.Finish();
        return header;
    }

    /// <summary>
    /// Rebuilds a state machine from a snapshot: same digest, applied seq, log time, chain hash, records, idempotency
    /// records and leases as the machine that wrote it. Reads format version 1 (before leases) too. The whole stream, checksum included, is verified
    /// before the machine is returned, so a bad snapshot is never partly loaded.
    /// </summary>
    /// <exception cref="SnapshotFormatException">The bytes are not a complete, intact snapshot this build reads.</exception>
    public static KvStateMachine ReadSnapshot(Stream source, TimeSpan? idempotencyWindow = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var machine = new KvStateMachine(idempotencyWindow);
        using var reader = new SnapshotReader(source);
        var header = ReadHeader(reader);

        long count = reader.ReadCount("entry", MinEntryBytes);
        bool hasLeases = header.FormatVersion >= 2;
        string? previousKey = null;
        long valueBytes = 0;
        var leasedKeys = new List<(string Key, string Lease)>();
        for (long i = 0; i < count; i++)
        {
            long at = reader.Position;
            int bodyLength = reader.ReadLength("entry");
            long bodyStart = reader.Position;
            string key = reader.ReadString("key");
            long version = reader.ReadInt64();
            long createdSeq = reader.ReadInt64();
            string contentType = reader.ReadString("content type");
            byte[] value = reader.ReadBytes("value");
            string lease = hasLeases ? reader.ReadString("lease") : "";

            if (reader.Position - bodyStart != bodyLength)
                throw new SnapshotFormatException($"entry {i} at byte {at} is {reader.Position - bodyStart} bytes, but its length says {bodyLength}");
            if (previousKey is not null && string.CompareOrdinal(previousKey, key) >= 0)
                throw new SnapshotFormatException($"entry {i} at byte {at} is out of key order");
            if (createdSeq < 1 || version < createdSeq || version > header.AppliedSeq)
                throw new SnapshotFormatException($"entry {i} at byte {at} has impossible versions (created {createdSeq}, version {version}, applied {header.AppliedSeq})");

            machine._records[key] = KvRecord.Own(value, machine._contentTypes.Intern(contentType), version, createdSeq, lease);
            if (lease.Length > 0) leasedKeys.Add((key, lease));
            machine._index.Add(key);
            valueBytes += value.Length;
            previousKey = key;
        }

        long idempotencyCount = reader.ReadCount("idempotency record", MinIdempotencyRecordBytes);
        for (long i = 0; i < idempotencyCount; i++)
        {
            long at = reader.Position;
            string key = reader.ReadString("idempotency key");
            long seq = reader.ReadInt64();
            var outcome = (ApplyOutcome)reader.ReadByte();
            long resultVersion = reader.ReadInt64();
            long recordedAt = reader.ReadInt64();
            if (!Enum.IsDefined(outcome) || seq < 1 || seq > header.AppliedSeq || machine._idempotency.TryGet(key, out _))
                throw new SnapshotFormatException($"idempotency record {i} at byte {at} is malformed or repeated");
            // Oldest first, as written, so pruning after the restore expires them in the same order.
            machine._idempotency.Record(key, new IdempotencyRecord(seq, new ApplyResult(outcome, resultVersion), recordedAt));
        }

        if (hasLeases) ReadLeases(reader, machine, header, leasedKeys);

        reader.VerifyChecksumAndEnd();

        machine._appliedSeq = header.AppliedSeq;
        machine._logTimeUnixMs = header.LogTimeUnixMs;
        machine._lastChainHash = header.LastChainHash;
        machine._count = (int)count;
        machine._valueBytes = valueBytes;
        machine._leaseCount = machine._leases.Count;
        return machine;
    }

    // The lease table (format 2 on), then each leased record's key into its lease: a record may name only a lease the
    // table holds, so the table and the records agree as they did in the machine that wrote them.
    private static void ReadLeases(SnapshotReader reader, KvStateMachine machine, SnapshotHeader header, List<(string Key, string Lease)> leasedKeys)
    {
        long count = reader.ReadCount("lease", MinLeaseBytes);
        string? previousId = null;
        for (long i = 0; i < count; i++)
        {
            long at = reader.Position;
            string id = reader.ReadString("lease id");
            long ttlSeconds = reader.ReadInt64();
            long grantedSeq = reader.ReadInt64();
            long deadline = reader.ReadInt64();
            if (id.Length == 0 || ttlSeconds < 1 || grantedSeq < 1 || grantedSeq > header.AppliedSeq
                || (previousId is not null && string.CompareOrdinal(previousId, id) >= 0))
            {
                throw new SnapshotFormatException($"lease {i} at byte {at} is malformed or out of id order");
            }
            machine._leases.Add(id, new LeaseState(ttlSeconds, grantedSeq, deadline));
            previousId = id;
        }
        foreach (var (key, lease) in leasedKeys)
        {
            if (!machine._leases.TryGetValue(lease, out var held))
                throw new SnapshotFormatException($"key '{key}' is attached to lease {lease}, which the snapshot does not hold");
            held.Keys.Add(key);
        }
    }

    /// <summary>
    /// Reads only the header (applied seq, chain hash, entry count): cheap, and the checksum is not checked,
    /// so use it to decide whether a snapshot is worth loading, not to trust one.
    /// </summary>
    /// <exception cref="SnapshotFormatException">Not a snapshot, an unknown version, or shorter than a header.</exception>
    public static SnapshotHeader ReadSnapshotHeader(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new SnapshotReader(source);
        var header = ReadHeader(reader);
        long count = reader.ReadCount("entry", MinEntryBytes);
        return header with { EntryCount = count };
    }

    // Everything before the entry count; EntryCount is filled in by the caller when it needs it.
    private static SnapshotHeader ReadHeader(SnapshotReader reader)
    {
        Span<byte> magic = stackalloc byte[SnapshotFormat.Magic.Length];
        reader.ReadExactly(magic);
        if (!magic.SequenceEqual(SnapshotFormat.Magic))
            throw new SnapshotFormatException($"not a snapshot: the file does not start with \"KVSNAP\" (found {Convert.ToHexString(magic)})");

        ushort version = reader.ReadUInt16();
        if (version is < SnapshotFormat.OldestReadableVersion or > SnapshotFormat.CurrentVersion)
        {
            throw new SnapshotFormatException(version > SnapshotFormat.CurrentVersion
                ? $"format version {version} is newer than this build reads ({SnapshotFormat.CurrentVersion})"
                : $"unknown format version {version}");
        }

        long appliedSeq = reader.ReadInt64();
        long logTime = reader.ReadInt64();
        string chainHash = reader.ReadString("chain hash");
        if (appliedSeq < 0)
            throw new SnapshotFormatException($"applied seq {appliedSeq} is negative");
        return new SnapshotHeader(version, appliedSeq, logTime, chainHash, EntryCount: -1);
    }
}
