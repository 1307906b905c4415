using System.Collections.Concurrent;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// Idempotency key → earlier (seq, result), kept for a retention window measured in log time.
/// Written only by the apply thread; looked up from any thread.
/// </summary>
internal sealed class IdempotencyTable(long windowMs)
{
    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);

    // Records in the order they were made. Log time never goes backwards (the state machine clamps it),
    // so this is also oldest-first and pruning pops from the front only: O(1) amortised per apply.
    private readonly Queue<(string Key, IdempotencyRecord Record)> _oldestFirst = new();

    public int Count => _oldestFirst.Count;

    public void PruneExpired(long nowUnixMs)
    {
        while (_oldestFirst.TryPeek(out var oldest) && nowUnixMs - oldest.Record.RecordedAtUnixMs >= windowMs)
        {
            _oldestFirst.Dequeue();
            // Remove only that very record; a key is never in the queue twice, but say so in code, not hope.
            _records.TryRemove(KeyValuePair.Create(oldest.Key, oldest.Record));
        }
    }

    public bool TryGet(string idempotencyKey, out IdempotencyRecord record) =>
        _records.TryGetValue(idempotencyKey, out record);

    public void Record(string idempotencyKey, IdempotencyRecord record)
    {
        _records[idempotencyKey] = record;
        _oldestFirst.Enqueue((idempotencyKey, record));
    }

    /// <summary>Every live record, oldest first (the order a restored table must be rebuilt in); apply thread only.</summary>
    public (string Key, IdempotencyRecord Record)[] ToArrayOldestFirst() => _oldestFirst.ToArray();

    /// <summary>Every live record in ordinal key order (for the digest); apply thread only.</summary>
    public IEnumerable<KeyValuePair<string, IdempotencyRecord>> InKeyOrder() =>
        _records.OrderBy(pair => pair.Key, StringComparer.Ordinal);
}
