using System.Security.Cryptography;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;

namespace KvCluster.Log.InMemory;

/// <summary>
/// The log in this process's memory, with the semantics of the Redis one (sequencer.lua and the checkpoint scripts):
/// dense seqs, the chain hash, request-id and idempotency-key dedup, checkpoint + tail, trims that never pass the
/// checkpoint. For tests that drive the write, read and apply paths in-process; the fault switches make the failure
/// paths reachable: <see cref="Unavailable"/> (Redis down), <see cref="RollBackTo"/> (Redis lost acknowledged writes),
/// <see cref="TrimAsync"/> past a node (a gap). Thread-safe; no retention expiry (a test's lifetime is short).
/// </summary>
public sealed class InMemoryReplicatedLog : IReplicatedLog
{
    private readonly object _gate = new();
    private readonly List<LogEntry> _entries = [];
    // The chain hash after each seq (index seq - 1), trimmed entries' too: a rollback to any seq continues from its link.
    private readonly List<string> _chainAfter = [];
    private readonly Dictionary<string, long> _idempotencyKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _requests = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private TaskCompletionSource _appended = NewSignal();
    private long _head;
    private string _chain = "";
    private (CheckpointManifest Manifest, byte[] Bytes)? _checkpoint;

    public InMemoryReplicatedLog(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>While true, every call fails as it would with Redis unreachable.</summary>
    public bool Unavailable { get; set; }

    /// <summary>How many append calls reached the log (including refused ones): each is one script call in Redis.</summary>
    public int AppendCalls { get; private set; }

    public long AnnouncedHead
    {
        get { lock (_gate) return _head; }
    }

    public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? woken = null;
        AppendOutcome[] outcomes;
        lock (_gate)
        {
            AppendCalls++;
            ThrowIfUnavailable();
            var list = new List<AppendOutcome>();
            long sequencedAt = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            long headBefore = _head;
            foreach (var request in requests)
            {
                if (request.Count == 0) continue;
                string requestId = request[0].RequestId;
                if (requestId.Length > 0 && _requests.TryGetValue(requestId, out var earlier))
                {
                    foreach (long seq in earlier) list.Add(new AppendOutcome(seq, Duplicate: true));
                    continue;
                }
                var landed = new long[request.Count];
                for (int i = 0; i < request.Count; i++)
                {
                    var command = request[i];
                    if (command.IdempotencyKey.Length > 0 && _idempotencyKeys.TryGetValue(command.IdempotencyKey, out long before))
                    {
                        landed[i] = before;
                        list.Add(new AppendOutcome(before, Duplicate: true));
                        continue;
                    }
                    var entry = Sequence(command, ++_head, sequencedAt);
                    _entries.Add(entry);
                    _chainAfter.Add(entry.ChainHash);
                    _chain = entry.ChainHash;
                    if (command.IdempotencyKey.Length > 0) _idempotencyKeys[command.IdempotencyKey] = entry.Seq;
                    landed[i] = entry.Seq;
                    list.Add(new AppendOutcome(entry.Seq, Duplicate: false));
                }
                if (requestId.Length > 0) _requests[requestId] = landed;
            }
            outcomes = [.. list];
            if (_head != headBefore)
            {
                woken = _appended;
                _appended = NewSignal();
            }
        }
        woken?.TrySetResult();
        return Task.FromResult(outcomes);
    }

    public Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSeq, int maxEntries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        lock (_gate)
        {
            ThrowIfUnavailable();
            int from = _entries.FindIndex(e => e.Seq > afterSeq);
            IReadOnlyList<LogEntry> page = from < 0 ? [] : _entries.GetRange(from, Math.Min(maxEntries, _entries.Count - from));
            return Task.FromResult(page);
        }
    }

    public async Task<bool> WaitForEntriesAfterAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        Task signal;
        lock (_gate)
        {
            if (_head > afterSeq) return true;
            signal = _appended.Task;
        }
        try
        {
            await signal.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            return Task.FromResult(_head);
        }
    }

    public Task<LogExtent> ReadExtentAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            long first = _entries.Count == 0 ? _head + 1 : _entries[0].Seq;
            return Task.FromResult(new LogExtent(_head, first, _entries.Count));
        }
    }

    public Task<CheckpointManifest?> ReadCheckpointAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            return Task.FromResult(_checkpoint?.Manifest);
        }
    }

    public async Task<CheckpointManifest> WriteCheckpointAsync(long seq, string chainHash, Stream snapshot, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await snapshot.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        byte[] bytes = buffer.ToArray();
        var manifest = new CheckpointManifest(seq, Guid.NewGuid().ToString("N")[..12], 1, bytes.Length,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), chainHash, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        lock (_gate)
        {
            ThrowIfUnavailable();
            if (_checkpoint is { } published && published.Manifest.Seq >= seq)
            {
                throw new CheckpointSupersededException(seq, published.Manifest.Seq);
            }
            _checkpoint = (manifest, bytes);
        }
        return manifest;
    }

    public async Task CopyCheckpointToAsync(CheckpointManifest manifest, Stream destination, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        lock (_gate)
        {
            ThrowIfUnavailable();
            if (_checkpoint is not { } published || published.Manifest.Id != manifest.Id)
            {
                throw new CheckpointException($"The checkpoint at seq {manifest.Seq} is gone (replaced by a newer one); read the manifest again.");
            }
            bytes = published.Bytes;
        }
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public Task<LogTrimResult> TrimAsync(long keepFromSeq, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            if (_checkpoint is not { } published) return Task.FromResult(new LogTrimResult(0, 0));
            long keep = Math.Min(keepFromSeq, published.Manifest.Seq + 1);
            int removed = _entries.RemoveAll(e => e.Seq < keep);
            return Task.FromResult(new LogTrimResult(keep, removed));
        }
    }

    /// <summary>
    /// Forgets every entry after <paramref name="seq"/>, as a Redis restarted from an AOF that missed its last second
    /// would (or a failover to a lagging replica): the next append reuses those seqs with other contents.
    /// </summary>
    public void RollBackTo(long seq)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Seq > seq);
            _head = Math.Min(_head, seq);
            if (_chainAfter.Count > _head) _chainAfter.RemoveRange((int)_head, _chainAfter.Count - (int)_head);
            _chain = _head == 0 ? "" : _chainAfter[(int)_head - 1];
            foreach (var key in _idempotencyKeys.Where(p => p.Value > seq).Select(p => p.Key).ToList()) _idempotencyKeys.Remove(key);
            foreach (var id in _requests.Where(p => p.Value.Any(s => s > seq)).Select(p => p.Key).ToList()) _requests.Remove(id);
        }
    }

    private LogEntry Sequence(AppendCommand command, long seq, long sequencedAt)
    {
        // A copy: a command from the wire is a slice of the coordinator's pooled request buffer, which is reused once the
        // append has answered, while this log keeps the entry (Redis, by contrast, has every byte by then).
        var bytes = command.Encoded.IsEmpty ? EntryBlob.Encode(command) : command.Encoded.ToArray();
        var entry = EntryBlob.DecodeEntry(bytes, seq, sequencedAt, "", ChainHashFormat.CommandXxHash128);
        return entry with { ChainHash = ChainHash.Next(_chain, entry) };
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable) throw new LogUnavailableException("The in-memory log is switched to unavailable.");
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
