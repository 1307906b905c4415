namespace KvCluster.Node.Replication;

/// <summary>
/// The sequence number this replica has applied up to, and the readers and writers waiting for it to reach
/// theirs (etcd's wait.WaitTime). The tailer advances it after each applied batch.
/// </summary>
public sealed class AppliedIndex
{
    private readonly object _gate = new();
    private readonly SortedDictionary<long, TaskCompletionSource> _waiters = [];
    private long _applied;

    public long Value => Volatile.Read(ref _applied);

    /// <summary>Completes once the applied index is at least <paramref name="seq"/>.</summary>
    public Task WaitForAsync(long seq, CancellationToken cancellationToken)
    {
        if (Value >= seq) return Task.CompletedTask;
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_applied >= seq) return Task.CompletedTask;
            if (!_waiters.TryGetValue(seq, out waiter!))
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(seq, waiter);
            }
        }
        return waiter.Task.WaitAsync(cancellationToken);
    }

    public void Advance(long applied)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            if (applied <= _applied) return;
            Volatile.Write(ref _applied, applied);
            ready = TakeReady(applied);
        }
        Release(ready);
    }

    /// <summary>
    /// Starts over from <paramref name="applied"/> (a rebuild, which may land above or below where the replica was):
    /// waiters at or below it are released, those above keep waiting.
    /// </summary>
    public void Reset(long applied)
    {
        List<TaskCompletionSource>? ready;
        lock (_gate)
        {
            Volatile.Write(ref _applied, applied);
            ready = TakeReady(applied);
        }
        Release(ready);
    }

    private List<TaskCompletionSource>? TakeReady(long applied)
    {
        List<TaskCompletionSource>? ready = null;
        while (_waiters.Count > 0)
        {
            var first = _waiters.First();
            if (first.Key > applied) break;
            _waiters.Remove(first.Key);
            (ready ??= []).Add(first.Value);
        }
        return ready;
    }

    private static void Release(List<TaskCompletionSource>? ready)
    {
        if (ready is null) return;
        foreach (var waiter in ready) waiter.TrySetResult();
    }
}
