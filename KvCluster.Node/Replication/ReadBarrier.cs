using KvCluster.Log;

namespace KvCluster.Node.Replication;

/// <summary>
/// Linearizable reads (etcd's linearizableReadLoop): every read waiting at a moment shares one fetch of the log
/// head from Redis, issued after they all arrived, then waits until this replica has applied up to it.
/// A read that arrives while a fetch is in flight joins the next fetch, never the current one: the head it
/// needs must have been read after it began.
/// </summary>
public sealed class ReadBarrier
{
    private readonly IReplicatedLog _log;
    private readonly ReplicaState _replica;
    private readonly object _gate = new();
    private TaskCompletionSource<long>? _next;
    private bool _fetching;

    public ReadBarrier(IReplicatedLog log, ReplicaState replica)
    {
        _log = log;
        _replica = replica;
    }

    /// <summary>Completes when this replica reflects every write acknowledged before the call.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        long head = await ReadHeadAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_replica.Divergence is { } divergence) throw new ReplicaDivergedException(divergence);
        await _replica.Applied.WaitForAsync(head, cancellationToken).ConfigureAwait(false);
    }

    private Task<long> ReadHeadAsync()
    {
        lock (_gate)
        {
            _next ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var mine = _next.Task;
            if (!_fetching)
            {
                _fetching = true;
                _ = FetchLoopAsync();
            }
            return mine;
        }
    }

    // Runs while readers keep arriving: each round takes everyone waiting so far and makes one round trip.
    private async Task FetchLoopAsync()
    {
        while (true)
        {
            // Before taking a round, let the requests already queued on the thread pool arrive and join it: without
            // this the first reader started a round of its own at once (the loop ran synchronously inside its call),
            // and rounds stayed a few reads each. Fewer, fuller rounds cost fewer GETs — in Redis and in this
            // node's sockets and wake-ups, which are most of what a linearizable read costs beyond a local one.
            await Task.Yield();
            TaskCompletionSource<long> round;
            lock (_gate)
            {
                if (_next is null)
                {
                    _fetching = false;
                    return;
                }
                round = _next;
                _next = null;
            }
            try
            {
                long appliedBefore = _replica.Applied.Value;
                long head = await _log.ReadHeadAsync(CancellationToken.None).ConfigureAwait(false);
                _replica.ObserveHeadFromRedis(head, appliedBefore);
                round.TrySetResult(head);
            }
            catch (Exception e)
            {
                round.TrySetException(e);
            }
        }
    }
}
