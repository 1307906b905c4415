using System.Diagnostics.CodeAnalysis;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// Entries that change several keys — a transaction, a lease's end — are seen whole or not at all by readers on other
/// threads (docs/architecture.md §8). Single-key reads are lock-free, so they cannot be kept out by the apply lock:
/// instead a counter is odd while such an entry is being applied (a seqlock), and a read that overlaps it waits for the
/// entry to finish and reads again. Listings walk the key index under its lock, which the entry holds throughout.
/// A put or delete changes one key in one step and touches neither.
/// </summary>
public sealed partial class KvStateMachine
{
    private long _multiKeyEpoch;

    /// <summary>The current record of <paramref name="key"/>. Lock-free; safe from any thread during Apply.</summary>
    public bool TryGet(string key, [MaybeNullWhen(false)] out KvRecord record)
    {
        var spin = new SpinWait();
        while (true)
        {
            long before = Volatile.Read(ref _multiKeyEpoch);
            if ((before & 1) == 0)
            {
                bool found = _records.TryGetValue(key, out record);
                // The record's read must not move past the second look at the counter.
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _multiKeyEpoch) == before) return found;
            }
            spin.SpinOnce();
        }
    }

    /// <summary>Runs <paramref name="apply"/>, an entry that may change several keys, so that no reader sees part of it.</summary>
    private ApplyResult ApplyWhole(Func<ApplyResult> apply)
    {
        lock (_indexLock)
        {
            Interlocked.Increment(ref _multiKeyEpoch);
            try
            {
                return apply();
            }
            finally
            {
                Interlocked.Increment(ref _multiKeyEpoch);
            }
        }
    }
}
