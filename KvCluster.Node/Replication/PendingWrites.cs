using System.Collections.Concurrent;
using System.Diagnostics;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Replication;

/// <summary>
/// Writes this node forwarded and is waiting to see applied, by request id. The waiter is registered before the
/// append, so the result cannot slip past it however fast the tailer is (etcd's wait.Wait).
/// A write not decided by its deadline is timed out by one sweep over the table every
/// <see cref="SweepInterval"/>, instead of a timer and a linked cancellation source per write.
/// </summary>
public sealed class PendingWrites : IDisposable
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, PendingWrite> _waiting = new(StringComparer.Ordinal);
    private readonly Timer _sweeper;

    public PendingWrites()
    {
        _sweeper = new Timer(_ => TimeOutOverdue(), null, SweepInterval, SweepInterval);
    }

    /// <summary>Starts waiting for <paramref name="requestId"/>; it times out once <paramref name="timeout"/> has passed.</summary>
    public PendingWrite Register(string requestId, TimeSpan timeout)
    {
        var waiter = new PendingWrite(Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        if (!_waiting.TryAdd(requestId, waiter)) throw new InvalidOperationException($"Request id {requestId} is already pending.");
        return waiter;
    }

    public void Complete(string requestId, AppliedWrite write)
    {
        if (_waiting.TryRemove(requestId, out var waiter)) waiter.AppliedHere(write);
    }

    public void Forget(string requestId) => _waiting.TryRemove(requestId, out _);

    private void TimeOutOverdue()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var (requestId, waiter) in _waiting)
        {
            if (waiter.DeadlineTimestamp <= now && _waiting.TryRemove(requestId, out _)) waiter.TimedOut();
        }
    }

    public void Dispose() => _sweeper.Dispose();
}

/// <summary>Where a write landed and what the state machine made of it.</summary>
public readonly record struct AppliedWrite(long Seq, ApplyResult Result);
