namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// A door in a call path that a test opens and closes: calls reaching it while it is closed wait until it opens, so
/// a test can hold one step of a path (a head fetch on its way back, a tailer's read) and act while it is held.
/// </summary>
internal sealed class Gate
{
    private readonly object _lock = new();
    private TaskCompletionSource _opened = Completed();
    private TaskCompletionSource _held = NewSignal();

    /// <summary>Completes once a call waits at the gate since it was last closed.</summary>
    public Task Held
    {
        get { lock (_lock) return _held.Task; }
    }

    public void Close()
    {
        lock (_lock)
        {
            if (!_opened.Task.IsCompleted) return;
            _opened = NewSignal();
            _held = NewSignal();
        }
    }

    public void Open()
    {
        lock (_lock) _opened.TrySetResult();
    }

    public Task PassAsync(CancellationToken cancellationToken)
    {
        Task opened;
        lock (_lock)
        {
            opened = _opened.Task;
            if (!opened.IsCompleted) _held.TrySetResult();
        }
        return opened.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Completed()
    {
        var done = NewSignal();
        done.SetResult();
        return done;
    }
}
