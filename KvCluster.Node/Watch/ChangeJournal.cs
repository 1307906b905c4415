using System.Diagnostics;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Watch;

/// <summary>
/// The newest changes this node applied, in log order, for watch streams to read (docs/architecture.md §8.1). The tailer
/// publishes each applied batch's changes (<see cref="Publish"/>); each stream keeps its own position and reads from here,
/// so a watcher costs no buffer of its own and one that falls out of the journal is a slow consumer. Bounded by count
/// and bytes: the oldest changes go first. <see cref="Position"/> is the seq through which every change is published
/// (seqs that changed nothing included), which is where a new live stream starts, not the machine's applied seq: the
/// machine is ahead of the journal while a batch is being applied. A rebuild of the node's state is a gap in the
/// changes, so the journal is <see cref="Reset"/> and every stream reading it learns so on its next read.
/// Thread-safe: one writer (the tailer), any number of readers.
/// </summary>
public sealed class ChangeJournal
{
    // Per change beyond its key and value: the record, the ring's slot, the strings' headers.
    private const int ChangeOverheadBytes = 96;

    private readonly Lock _lock = new();
    private readonly KvChange[] _ring;
    private readonly long _maxBytes;
    private int _first;
    private int _count;
    private long _bytes;
    private long _position;
    private long _oldest;
    private long _generation;
    private string _resetReason = "";
    private TaskCompletionSource _changed = NewSignal();

    /// <param name="position">The seq the node's state is at: changes after it are published next.</param>
    public ChangeJournal(long position, ChangeJournalLimits limits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxChanges, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBytes, 1, nameof(limits));
        _ring = new KvChange[limits.MaxChanges];
        _maxBytes = limits.MaxBytes;
        _position = position;
        _oldest = position + 1;
    }

    /// <summary>Position, oldest seq and generation, read together.</summary>
    public JournalState Current
    {
        get
        {
            lock (_lock) return new JournalState(_generation, _position, _oldest);
        }
    }

    /// <summary>The seq through which every change has been published.</summary>
    public long Position
    {
        get
        {
            lock (_lock) return _position;
        }
    }

    /// <summary>The oldest seq a stream can start at and find every change here: older ones were evicted, or came before a reset.</summary>
    public long OldestSeq
    {
        get
        {
            lock (_lock) return _oldest;
        }
    }

    /// <summary>Changes held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>
    /// Publishes the changes of entries applied through <paramref name="throughSeq"/> (in log order, each seq's changes
    /// together) and wakes the streams. The list is copied, so the caller may reuse it.
    /// </summary>
    public void Publish(IReadOnlyList<KvChange> changes, long throughSeq)
    {
        ArgumentNullException.ThrowIfNull(changes);
        TaskCompletionSource woken;
        lock (_lock)
        {
            foreach (var change in changes)
            {
                Debug.Assert(change.Seq > _position, $"change at seq {change.Seq} is not after the journal's position {_position}");
                Append(change);
            }
            _position = Math.Max(_position, throughSeq);
            woken = _changed;
            _changed = NewSignal();
        }
        woken.TrySetResult();
    }

    /// <summary>
    /// Forgets every change and starts again at <paramref name="position"/> (the node's state was replaced: what follows
    /// is not the continuation of what was published). Every stream reading the journal then ends with <paramref name="reason"/>.
    /// </summary>
    public void Reset(long position, string reason)
    {
        TaskCompletionSource woken;
        lock (_lock)
        {
            Array.Clear(_ring);
            _first = 0;
            _count = 0;
            _bytes = 0;
            _position = position;
            _oldest = position + 1;
            _generation++;
            _resetReason = reason;
            woken = _changed;
            _changed = NewSignal();
        }
        woken.TrySetResult();
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the changes with seq at or after <paramref name="fromSeq"/>: at least
    /// <paramref name="maxChanges"/> when there are as many, and never part of a seq's changes, so a read always ends
    /// at a seq's last change. Refused when the journal was reset since <paramref name="generation"/>, or no longer
    /// holds <paramref name="fromSeq"/> (the reader fell behind).
    /// </summary>
    public JournalRead Read(long generation, long fromSeq, int maxChanges, List<KvChange> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChanges, 1);
        lock (_lock)
        {
            if (generation != _generation) return new JournalRead(JournalReadStatus.Reset, fromSeq - 1, _resetReason);
            if (fromSeq < _oldest) return new JournalRead(JournalReadStatus.FellBehind, fromSeq - 1, "");
            int taken = 0;
            for (int i = FirstIndexAtOrAfter(fromSeq); i < _count; i++)
            {
                var change = At(i);
                if (taken >= maxChanges && change.Seq != into[^1].Seq) return new JournalRead(JournalReadStatus.Read, into[^1].Seq, "");
                into.Add(change);
                taken++;
            }
            return new JournalRead(JournalReadStatus.Read, Math.Max(_position, fromSeq - 1), "");
        }
    }

    /// <summary>
    /// Completes with true once the journal has moved past <paramref name="afterPosition"/> or was reset since
    /// <paramref name="generation"/>; with false after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitAsync(long generation, long afterPosition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_lock)
        {
            if (generation != _generation || _position > afterPosition) return true;
            changed = _changed.Task;
        }
        try
        {
            await changed.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Append(KvChange change)
    {
        if (_count == _ring.Length) EvictOldest();
        _ring[(_first + _count) % _ring.Length] = change;
        _count++;
        _bytes += SizeOf(change);
        while (_bytes > _maxBytes && _count > 0) EvictOldest();
    }

    private void EvictOldest()
    {
        var evicted = _ring[_first];
        _ring[_first] = null!;
        _first = (_first + 1) % _ring.Length;
        _count--;
        _bytes -= SizeOf(evicted);
        // A seq whose changes are only partly here cannot be served: start after it.
        _oldest = Math.Max(_oldest, evicted.Seq + 1);
    }

    private KvChange At(int index) => _ring[(_first + index) % _ring.Length];

    // Changes are in seq order: the first at or after fromSeq by binary search.
    private int FirstIndexAtOrAfter(long fromSeq)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            int middle = low + (high - low) / 2;
            if (At(middle).Seq < fromSeq) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private static long SizeOf(KvChange change) =>
        ChangeOverheadBytes + 2L * change.Key.Length + change.Value.Length + 2L * change.Cause.Length;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The journal's <see cref="ChangeJournal.Position"/>, <see cref="ChangeJournal.OldestSeq"/> and reset count, read together.</summary>
public readonly record struct JournalState(long Generation, long Position, long OldestSeq);

public enum JournalReadStatus
{
    /// <summary>Changes were read (perhaps none); everything through <see cref="JournalRead.Through"/> is delivered.</summary>
    Read,

    /// <summary>The start was evicted: the reader was too slow.</summary>
    FellBehind,

    /// <summary>The journal was reset (the node's state replaced); <see cref="JournalRead.Reason"/> says why.</summary>
    Reset,
}

/// <summary>What a read of the journal found: its status and the seq through which the reader has now seen every change.</summary>
public readonly record struct JournalRead(JournalReadStatus Status, long Through, string Reason);
