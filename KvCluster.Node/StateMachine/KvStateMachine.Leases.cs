using KvCluster.Log.Entries;
using KvCluster.Log.Redis;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// Leases (docs/architecture.md §8.2): the replicated half. Which leases exist and which keys each holds is state,
/// changed only in log order: a LeaseGrant creates a lease, a put that names it attaches its key, a put without one or
/// a delete detaches the key, and a LeaseRevoke (a client's revoke, or the coordinator's expiry) deletes every key it
/// holds and ends it. Whether a lease is still alive is not state here: deadlines and keep-alives live in Redis
/// (<see cref="LeaseStore"/>), and reach the replicas only as the LeaseRevoke the expirer appends.
/// </summary>
public sealed partial class KvStateMachine
{
    // Lease id → lease. Changed only by the apply thread, under _leaseLock; read by other threads under it.
    private readonly Dictionary<string, LeaseState> _leases = new(StringComparer.Ordinal);
    private readonly Lock _leaseLock = new();
    private int _leaseCount;

    /// <summary>The number of leases held (granted, not yet revoked or expired).</summary>
    public int LeaseCount => Volatile.Read(ref _leaseCount);

    /// <summary>The lease <paramref name="id"/> with its keys in ordinal order, or null when there is none. Safe from any thread.</summary>
    public LeaseInfo? GetLease(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_leaseLock)
        {
            return _leases.TryGetValue(id, out var lease)
                ? new LeaseInfo(id, lease.TtlSeconds, lease.GrantedSeq, lease.DeadlineUnixMs, [.. lease.Keys])
                : null;
        }
    }

    /// <summary>The ids of every lease held, in ordinal order. Safe from any thread.</summary>
    public IReadOnlyList<string> LeaseIds()
    {
        lock (_leaseLock)
        {
            var ids = _leases.Keys.ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            return ids;
        }
    }

    private ApplyResult ApplyLeaseGrant(LogEntry entry)
    {
        LeaseEntryFormat.TryDecodeGrant(entry.Value.Span, out long ttlSeconds, out long deadline);
        if (_leases.ContainsKey(entry.Key))
            return new ApplyResult(ApplyOutcome.PreconditionFailed, 0);
        // The expirer may have revoked this lease (its deadline passed in Redis) before the grant reached the log: the
        // revoke then found nothing, and granting now would make a lease no one will ever expire.
        if (deadline < _logTimeUnixMs)
            return new ApplyResult(ApplyOutcome.LeaseNotFound, 0);
        lock (_leaseLock)
        {
            _leases.Add(entry.Key, new LeaseState(ttlSeconds, entry.Seq, deadline));
            Volatile.Write(ref _leaseCount, _leases.Count);
        }
        return new ApplyResult(ApplyOutcome.Created, entry.Seq);
    }

    private ApplyResult ApplyLeaseRevoke(LogEntry entry, ICollection<KvChange>? changes)
    {
        LeaseState? lease;
        lock (_leaseLock)
        {
            if (!_leases.Remove(entry.Key, out lease))
                return new ApplyResult(ApplyOutcome.NotFound, 0);
            Volatile.Write(ref _leaseCount, _leases.Count);
        }
        string cause = entry.Value.Span.SequenceEqual(ExpiredValue) ? KvChange.LeaseExpiredCause : KvChange.LeaseRevokedCause;
        // In key order, so watchers see the deletions in the same order on every replica. The lease is gone from the
        // table already, so RemoveRecord's detaching finds nothing to change under this loop.
        foreach (string key in lease.Keys)
            RemoveRecord(entry.Seq, key, _records[key], cause, changes);
        return new ApplyResult(ApplyOutcome.Deleted, entry.Seq);
    }

    // A put that names a lease: the lease must exist when the put is applied, or nothing changes.
    private ApplyResult ApplyLeasedPut(LogEntry entry, ICollection<KvChange>? changes) =>
        _leases.ContainsKey(entry.Lease) ? ApplyPut(entry, changes) : new ApplyResult(ApplyOutcome.LeaseNotFound, 0);

    /// <summary>Moves <paramref name="key"/> from the lease it was attached to (or none) to <paramref name="lease"/> (or none). Apply thread only.</summary>
    private void MoveKeyBetweenLeases(string key, string from, string to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal))
            return;
        lock (_leaseLock)
        {
            if (from.Length > 0 && _leases.TryGetValue(from, out var previous))
                previous.Keys.Remove(key);
            if (to.Length > 0)
                _leases[to].Keys.Add(key);
        }
    }

    // LeaseEntryFormat.Expired and .Revoked as bytes.
    private static ReadOnlySpan<byte> ExpiredValue => "expired"u8;
    private static ReadOnlySpan<byte> RevokedValue => "revoked"u8;

    private static void ThrowIfMalformedLease(LogEntry entry)
    {
        switch (entry.Operation)
        {
            case LogOperation.LeaseGrant when !LeaseEntryFormat.TryDecodeGrant(entry.Value.Span, out _, out _):
                throw new ArgumentException(
                    $"Log entry {entry.Seq} is a lease grant without a TTL and deadline: '{System.Text.Encoding.ASCII.GetString(entry.Value.Span[..Math.Min(64, entry.Value.Length)])}'.",
                    nameof(entry));
            case LogOperation.LeaseRevoke when !(entry.Value.Span.SequenceEqual(ExpiredValue)
                                                 || entry.Value.Span.SequenceEqual(RevokedValue)):
                throw new ArgumentException($"Log entry {entry.Seq} is a lease revoke that says neither expired nor revoked.", nameof(entry));
            case LogOperation.LeaseGrant or LogOperation.LeaseRevoke when entry.Key.Length == 0:
                throw new ArgumentException($"Log entry {entry.Seq} names no lease.", nameof(entry));
        }
    }

    // Every lease in id order with its TTL, grant seq, deadline and keys; the keys say which record is attached to which
    // lease, so the digest covers the records' leases too.
    private void AddLeasesTo(StateDigestBuilder digest)
    {
        var ids = _leases.Keys.ToArray();
        Array.Sort(ids, StringComparer.Ordinal);
        digest.Add(ids.Length);
        foreach (string id in ids)
        {
            var lease = _leases[id];
            digest.Add(id);
            digest.Add(lease.TtlSeconds);
            digest.Add(lease.GrantedSeq);
            digest.Add(lease.DeadlineUnixMs);
            digest.Add(lease.Keys.Count);
            foreach (string key in lease.Keys)
                digest.Add(key);
        }
    }

    // For the snapshot writer (under _applyLock): every lease in id order, without its keys (the records name them).
    private (string Id, long TtlSeconds, long GrantedSeq, long DeadlineUnixMs)[] LeasesInIdOrder()
    {
        var leases = _leases.Select(pair => (pair.Key, pair.Value.TtlSeconds, pair.Value.GrantedSeq, pair.Value.DeadlineUnixMs)).ToArray();
        Array.Sort(leases, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return leases;
    }

    /// <summary>A lease as the replica holds it: TTL and grant, and the keys attached (ordinal order).</summary>
    private sealed class LeaseState(long ttlSeconds, long grantedSeq, long deadlineUnixMs)
    {
        public long TtlSeconds { get; } = ttlSeconds;
        public long GrantedSeq { get; } = grantedSeq;
        public long DeadlineUnixMs { get; } = deadlineUnixMs;
        public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>
/// One lease as a replica holds it: its TTL, the seq of its grant, the deadline its grant set (Redis time; keep-alives
/// move the real one in Redis), and the keys attached to it.
/// </summary>
public sealed record LeaseInfo(string Id, long TtlSeconds, long GrantedSeq, long GrantDeadlineUnixMs, IReadOnlyList<string> Keys);
