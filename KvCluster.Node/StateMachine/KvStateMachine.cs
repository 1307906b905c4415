using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using KvCluster.Log.Entries;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// A replica's in-memory database: applies log entries in seq order, one at a time, as a pure function
/// of (state, entry) — no I/O, no clock, no randomness — so every replica that applied the same log
/// holds the same state (<see cref="ComputeDigest"/> proves it). Reads run on any thread, lock-free
/// for single keys, while one thread applies. Snapshot export and import are in KvStateMachine.Snapshot.cs.
/// </summary>
public sealed partial class KvStateMachine
{
    public static readonly TimeSpan DefaultIdempotencyWindow = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, KvRecord> _records = new(StringComparer.Ordinal);

    // Sorted view of the keys for listing. Guarded by _indexLock, which Apply also holds whenever it
    // adds or removes a key, so a listing always finds a record for every key it walks.
    private readonly OrderedKeyIndex _index = new();
    private readonly Lock _indexLock = new();

    private readonly IdempotencyTable _idempotency;
    private readonly ContentTypeInterner _contentTypes = new();

    // Serialises Apply against itself and against ComputeDigest, which needs one consistent state.
    private readonly Lock _applyLock = new();

    private long _appliedSeq;
    private long _valueBytes;
    private int _count;

    // Log time: the latest SequencedAtUnixMs seen. Clamped so it never goes backwards (a sequencer clock
    // stepping back cannot revive an expired idempotency record), which also keeps records oldest-first.
    private long _logTimeUnixMs;

    // The chain hash of the last applied entry, kept here rather than only beside the machine so a snapshot
    // captures it together with the state it belongs to.
    private volatile string _lastChainHash = "";

    public KvStateMachine(TimeSpan? idempotencyWindow = null)
    {
        var window = idempotencyWindow ?? DefaultIdempotencyWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(idempotencyWindow));
        _idempotency = new IdempotencyTable((long)window.TotalMilliseconds);
    }

    /// <summary>The seq of the last applied entry; 0 before the first.</summary>
    public long AppliedSeq => Volatile.Read(ref _appliedSeq);

    /// <summary>The chain hash carried by the last applied entry ("" before the first).</summary>
    public string LastChainHash => _lastChainHash;

    /// <summary>The number of keys.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The sum of the lengths of all values.</summary>
    public long ValueBytes => Volatile.Read(ref _valueBytes);

    /// <summary>
    /// Applies the next entry of the log. It must be entry <c>AppliedSeq + 1</c>, otherwise
    /// <see cref="LogGapException"/> is thrown and nothing changes. Each key the entry changed is added to
    /// <paramref name="changes"/> when one is given (the watch streams' feed), in the order it changed.
    /// </summary>
    public ApplyResult Apply(LogEntry entry, ICollection<KvChange>? changes = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_applyLock)
        {
            long expected = _appliedSeq + 1;
            if (entry.Seq != expected)
                throw new LogGapException(expected, entry.Seq);
            ThrowIfMalformed(entry);

            _logTimeUnixMs = Math.Max(_logTimeUnixMs, entry.SequencedAtUnixMs);
            _idempotency.PruneExpired(_logTimeUnixMs);

            ApplyResult result;
            if (entry.IdempotencyKey.Length > 0 && _idempotency.TryGet(entry.IdempotencyKey, out var earlier))
            {
                // A retry of a write already in the log: answer as then, change nothing.
                result = earlier.Result;
            }
            else
            {
                result = entry.Operation switch
                {
                    LogOperation.Put when entry.Lease.Length > 0 => ApplyLeasedPut(entry, changes),
                    LogOperation.Put => ApplyPut(entry, changes),
                    LogOperation.Delete => ApplyDelete(entry, changes),
                    LogOperation.Txn => ApplyWhole(() => ApplyTxn(entry, changes)),
                    LogOperation.LeaseGrant => ApplyLeaseGrant(entry),
                    LogOperation.LeaseRevoke => ApplyWhole(() => ApplyLeaseRevoke(entry, changes)),
                    _ => throw new UnreachableException(),
                };
                if (entry.IdempotencyKey.Length > 0)
                    _idempotency.Record(entry.IdempotencyKey, new IdempotencyRecord(entry.Seq, result, _logTimeUnixMs));
            }

            _lastChainHash = entry.ChainHash;
            Volatile.Write(ref _appliedSeq, entry.Seq);
            return result;
        }
    }

    /// <summary>
    /// The entry that recorded <paramref name="idempotencyKey"/> and its result, while the record is
    /// within the window as of the last applied entry (records expire in log time, not wall time).
    /// Safe from any thread.
    /// </summary>
    public bool TryGetIdempotentReplay(string idempotencyKey, out IdempotentReplay replay)
    {
        if (_idempotency.TryGet(idempotencyKey, out var record))
        {
            replay = new IdempotentReplay(record.Seq, record.Result);
            return true;
        }
        replay = default;
        return false;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> keys starting with <paramref name="prefix"/> and ordinally greater
    /// than <paramref name="after"/> (when given), in ordinal order. Safe from any thread during Apply.
    /// </summary>
    public KvPage List(string prefix, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // Start at the later of the prefix itself (inclusive) and the cursor (exclusive).
        bool startAfterCursor = after is not null && string.CompareOrdinal(after, prefix) >= 0;
        string from = startAfterCursor ? after! : prefix;

        var items = new List<KvListItem>(Math.Min(limit, 1024));
        lock (_indexLock)
        {
            foreach (string key in _index.From(from, inclusive: !startAfterCursor))
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                    break;
                if (items.Count == limit)
                    return new KvPage(items, items[^1].Key);

                var record = _records[key];
                items.Add(new KvListItem(key, record.Version, record.Size));
            }
        }
        return new KvPage(items, null);
    }

    /// <summary>
    /// SHA-256 (hex) over AppliedSeq, log time, every key with its version, created seq, content type
    /// and value in key order, every idempotency record in key order, and every lease with its keys in id
    /// order. Replicas that applied the same log return the same digest. Waits for an Apply in progress;
    /// holds Apply off while it runs.
    /// </summary>
    public string ComputeDigest() => ComputeDigestWithSeq().Digest;

    /// <summary>The digest together with the applied seq it describes, both taken while Apply is held off.</summary>
    public StateDigest ComputeDigestWithSeq()
    {
        lock (_applyLock)
        {
            using var digest = new StateDigestBuilder();
            digest.Add(_appliedSeq);
            digest.Add(_logTimeUnixMs);

            // Apply is held off, so the index cannot change under this walk.
            digest.Add(_count);
            foreach (string key in _index.From("", inclusive: true))
            {
                var record = _records[key];
                digest.Add(key);
                digest.Add(record.Version);
                digest.Add(record.CreatedSeq);
                digest.Add(record.ContentType);
                digest.Add(record.Value.Span);
            }

            digest.Add(_idempotency.Count);
            foreach (var (idempotencyKey, record) in _idempotency.InKeyOrder())
            {
                digest.Add(idempotencyKey);
                digest.Add(record.Seq);
                digest.Add((long)record.Result.Outcome);
                digest.Add(record.Result.Version);
                digest.Add(record.RecordedAtUnixMs);
            }

            AddLeasesTo(digest);
            return new StateDigest(_appliedSeq, digest.ToHex());
        }
    }

    private ApplyResult ApplyPut(LogEntry entry, ICollection<KvChange>? changes)
    {
        _records.TryGetValue(entry.Key, out var current);
        if (!PreconditionHolds(entry.Precondition, current))
            return new ApplyResult(ApplyOutcome.PreconditionFailed, current?.Version ?? 0);
        bool created = PutRecord(entry.Seq, entry.Key, entry.Value.Span, entry.ContentType, current, changes, entry.Lease);
        return new ApplyResult(created ? ApplyOutcome.Created : ApplyOutcome.Updated, entry.Seq);
    }

    private ApplyResult ApplyDelete(LogEntry entry, ICollection<KvChange>? changes)
    {
        _records.TryGetValue(entry.Key, out var current);
        if (!PreconditionHolds(entry.Precondition, current))
            return new ApplyResult(ApplyOutcome.PreconditionFailed, current?.Version ?? 0);
        if (current is null)
            return new ApplyResult(ApplyOutcome.NotFound, 0);
        RemoveRecord(entry.Seq, entry.Key, current, "", changes);
        return new ApplyResult(ApplyOutcome.Deleted, entry.Seq);
    }

    /// <summary>
    /// Writes <paramref name="key"/> at <paramref name="seq"/>, replacing <paramref name="current"/> (its record now, or
    /// null): the one place a key's record is written, whichever entry writes it. True when the key was created. The key
    /// is attached to <paramref name="lease"/>, which must exist, or to no lease when it is "" (detached from its old one).
    /// </summary>
    private bool PutRecord(long seq, string key, ReadOnlySpan<byte> value, string contentType, KvRecord? current,
        ICollection<KvChange>? changes, string lease = "")
    {
        var written = KvRecord.Own(
            KvRecord.CopyOf(value),
            _contentTypes.Intern(contentType),
            version: seq,
            createdSeq: current?.CreatedSeq ?? seq,
            lease);
        MoveKeyBetweenLeases(key, current?.Lease ?? "", lease);
        changes?.Add(new KvChange(seq, key, KvChangeKind.Put, seq, written.ContentType, written.Value));

        if (current is null)
        {
            lock (_indexLock)
            {
                _records[key] = written;
                _index.Add(key);
            }
            Volatile.Write(ref _count, _count + 1);
            Volatile.Write(ref _valueBytes, _valueBytes + written.Size);
            return true;
        }

        _records[key] = written;
        Volatile.Write(ref _valueBytes, _valueBytes + written.Size - current.Size);
        return false;
    }

    /// <summary>Removes <paramref name="key"/>, whose record is <paramref name="current"/>, at <paramref name="seq"/>: the one place a key is removed.</summary>
    private void RemoveRecord(long seq, string key, KvRecord current, string cause, ICollection<KvChange>? changes)
    {
        MoveKeyBetweenLeases(key, current.Lease, "");
        lock (_indexLock)
        {
            _index.Remove(key);
            _records.TryRemove(key, out _);
        }
        Volatile.Write(ref _count, _count - 1);
        Volatile.Write(ref _valueBytes, _valueBytes - current.Size);
        changes?.Add(new KvChange(seq, key, KvChangeKind.Delete, seq, "", ReadOnlyMemory<byte>.Empty, cause));
    }

    /// <summary>
    /// If-None-Match: * holds when the key is absent; If-Match: "v" only when it exists at version v
    /// (so If-Match on an absent key fails rather than reporting NotFound).
    /// </summary>
    private static bool PreconditionHolds(Precondition precondition, KvRecord? current) => precondition.Kind switch
    {
        PreconditionKind.None => true,
        PreconditionKind.MustNotExist => current is null,
        PreconditionKind.VersionMatches => current is not null && current.Version == precondition.Version,
        _ => throw new UnreachableException(),
    };

    // Checked before anything changes, so a malformed entry leaves the state as it was.
    private static void ThrowIfMalformed(LogEntry entry)
    {
        if (!Enum.IsDefined(entry.Operation))
            throw new ArgumentException($"Log entry {entry.Seq} has unknown operation {entry.Operation}.", nameof(entry));
        ThrowIfMalformedLease(entry);
        if (!Enum.IsDefined(entry.Precondition.Kind))
            throw new ArgumentException($"Log entry {entry.Seq} has unknown precondition {entry.Precondition.Kind}.", nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Key);
    }
}
