using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Snapshots;

/// <summary>
/// Takes a snapshot of the serving state machine whenever <see cref="SnapshotPolicy"/> says one is due. Reads
/// the machine through a delegate, so a machine replaced after a rebuild is the one saved. A failed save is
/// logged and retried at the next check; it never stops the node.
/// </summary>
public sealed class SnapshotScheduler : BackgroundService
{
    private readonly SnapshotStore _store;
    private readonly SnapshotPolicy _policy;
    private readonly Func<KvStateMachine> _currentMachine;
    private readonly ILogger<SnapshotScheduler> _logger;
    private readonly TimeProvider _clock;
    private long _lastSeq;
    private long _lastAtTimestamp;
    private SnapshotInfo? _last;

    /// <param name="lastSnapshotSeq">The seq of the snapshot the node started from (0 when none).</param>
    public SnapshotScheduler(
        SnapshotStore store,
        SnapshotPolicy policy,
        Func<KvStateMachine> currentMachine,
        ILogger<SnapshotScheduler> logger,
        long lastSnapshotSeq = 0,
        TimeProvider? clock = null)
    {
        _store = store;
        _policy = policy;
        _currentMachine = currentMachine;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _lastSeq = lastSnapshotSeq;
        _lastAtTimestamp = _clock.GetTimestamp();
    }

    /// <summary>Told of every snapshot taken (for metrics).</summary>
    public Action<SnapshotInfo>? Taken { get; init; }

    /// <summary>How often the policy is consulted.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait after a failed snapshot before trying again.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The seq of the newest snapshot on disk (taken or loaded); for membership heartbeats.</summary>
    public long LastSnapshotSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>The last snapshot this scheduler took, or null.</summary>
    public SnapshotInfo? LastSnapshot => Volatile.Read(ref _last);

    /// <summary>Takes a snapshot now, whatever the policy says (e.g. before writing a checkpoint).</summary>
    public async Task<SnapshotInfo> SnapshotNowAsync(CancellationToken cancellationToken = default)
    {
        var info = await _store.SaveAsync(_currentMachine(), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _last, info);
        Interlocked.Exchange(ref _lastSeq, info.Seq);
        Interlocked.Exchange(ref _lastAtTimestamp, _clock.GetTimestamp());
        Taken?.Invoke(info);
        return info;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, _clock);
        long retryNotBefore = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_clock.GetTimestamp() < retryNotBefore)
                    continue;
                var sinceLast = _clock.GetElapsedTime(Interlocked.Read(ref _lastAtTimestamp));
                if (!_policy.IsDue(_currentMachine().AppliedSeq, LastSnapshotSeq, sinceLast))
                    continue;
                try
                {
                    await SnapshotNowAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A full or read-only disk must not stop the node (an exception escaping a BackgroundService
                    // stops the host); the log still holds everything.
                    _logger.LogError(e, "Taking a snapshot failed; retrying in {Seconds} s", (int)RetryAfterFailure.TotalSeconds);
                    retryNotBefore = _clock.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * _clock.TimestampFrequency);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
