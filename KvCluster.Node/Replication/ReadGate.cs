using KvCluster.Node.Api;
using KvCluster.Log;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>Holds a read until this replica is as fresh as its consistency asks, or says why it cannot be.</summary>
public sealed class ReadGate(ReplicaState replica, ReadBarrier barrier, IOptions<NodeOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.ReadTimeout;
    private readonly bool _unsafeSkipReadBarrier = options.Value.UnsafeSkipReadBarrier;

    /// <summary>Null when the read may go ahead; otherwise why it cannot (answered with 503).</summary>
    public async Task<string?> WaitAsync(ReadConsistency consistency, long minSeq, CancellationToken cancellationToken)
    {
        if (consistency == ReadConsistency.Local) return null;
        if (replica.Divergence is { } divergence) return $"This node is rebuilding its state from the log: {divergence}.";
        // A node that has not yet read the log to its end since it started must not answer, say, 404 for a key it
        // simply has not reached (Jepsen saw exactly that from restarted Redis-Raft nodes).
        if (!replica.CaughtUp)
        {
            return $"This node is catching up with the log (applied {replica.Applied.Value} of at least {replica.KnownHead}); " +
                   "retry shortly, use another node, or read with consistency=local.";
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            // The test-only fault flag skips the barrier, so the checker can be shown a stale read.
            if (consistency == ReadConsistency.Linearizable && !_unsafeSkipReadBarrier) await barrier.WaitAsync(deadline.Token);
            if (minSeq > 0) await replica.Applied.WaitForAsync(minSeq, deadline.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"This node did not catch up within {_timeout.TotalSeconds:0.#} s (applied {replica.Applied.Value}, " +
                   $"log head {replica.KnownHead}); retry, use another node, or read with consistency=local.";
        }
        catch (ReplicaDivergedException e)
        {
            return e.Message;
        }
        catch (LogUnavailableException e)
        {
            return $"The log head could not be read from Redis ({e.PublicReason}); read with consistency=local to get this node's data.";
        }
    }
}
