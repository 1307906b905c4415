using System.Collections.Concurrent;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Replication;

/// <summary>
/// Writes this node forwarded and is waiting to see applied, by request id. The waiter is registered before the
/// append, so the result cannot slip past it however fast the tailer is (etcd's wait.Wait).
/// </summary>
public sealed class PendingWrites
{
    private readonly ConcurrentDictionary<string, PendingWrite> _waiting = new(StringComparer.Ordinal);

    public PendingWrite Register(string requestId)
    {
        var waiter = new PendingWrite();
        if (!_waiting.TryAdd(requestId, waiter)) throw new InvalidOperationException($"Request id {requestId} is already pending.");
        return waiter;
    }

    public void Complete(string requestId, AppliedWrite write)
    {
        if (_waiting.TryRemove(requestId, out var waiter)) waiter.AppliedHere(write);
    }

    public void Forget(string requestId) => _waiting.TryRemove(requestId, out _);
}

/// <summary>Where a write landed and what the state machine made of it.</summary>
public readonly record struct AppliedWrite(long Seq, ApplyResult Result);
