using System.Net;

namespace KvCluster.Client;

/// <summary>
/// A lease granted by <see cref="IKvClient.GrantLeaseAsync"/>, kept alive in the background (a keep-alive every third of
/// its TTL, on whichever node answers) until it is disposed, which revokes it: the keys written with it
/// (<see cref="KvWriteOptions.LeaseId"/>) are then deleted on every node. If the cluster answers a keep-alive with 404 (the
/// lease expired: this process was paused, or cut off from every node, past the TTL) the lease is <see cref="Lost"/>.
/// </summary>
public sealed class KvLease : IAsyncDisposable
{
    private readonly KvClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _keepAlive;
    private int _disposed;
    private long _lastKeptAliveTicks = DateTimeOffset.UtcNow.UtcTicks;

    internal KvLease(KvClient client, string id, TimeSpan ttl)
    {
        _client = client;
        Id = id;
        Ttl = ttl;
        Lost = _lost.Token;
        _keepAlive = Task.Run(KeepAliveAsync);
    }

    /// <summary>The lease's id (16 lowercase hex digits): what <see cref="KvWriteOptions.LeaseId"/> takes.</summary>
    public string Id { get; }

    /// <summary>The lease's time to live: it ends this long after its last keep-alive.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Cancelled when the cluster said the lease is gone (a keep-alive answered 404): its keys are deleted or about to be.</summary>
    public CancellationToken Lost { get; }

    /// <summary>True once <see cref="Lost"/> is cancelled.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>When the last keep-alive was answered (the grant, at first).</summary>
    public DateTimeOffset LastKeptAlive => new(Interlocked.Read(ref _lastKeptAliveTicks), TimeSpan.Zero);

    /// <summary>Stops the keep-alives and revokes the lease, which deletes its keys before this returns; a lease already lost is left as it is.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
        try
        {
            if (!IsLost) await _client.RevokeLeaseAsync(Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (KvException)
        {
            // No node could take the revoke: the lease still ends, by expiry, within its TTL.
        }
        finally
        {
            _stop.Dispose();
            _lost.Dispose();
        }
    }

    private async Task KeepAliveAsync()
    {
        var interval = Ttl / 3;
        // After a failed keep-alive, the next comes sooner, so that a node's failure costs little of the TTL.
        var retry = TimeSpan.FromTicks(Math.Min(Ttl.Ticks / 6, TimeSpan.FromSeconds(1).Ticks));
        var wait = interval;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                var status = await _client.KeepLeaseAliveAsync(Id, interval, _stop.Token).ConfigureAwait(false);
                if (status == HttpStatusCode.NotFound)
                {
                    Record("lost");
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
                Record("ok");
                Interlocked.Exchange(ref _lastKeptAliveTicks, DateTimeOffset.UtcNow.UtcTicks);
                wait = interval;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (KvException)
            {
                Record("failed");
                wait = retry;
            }
            catch (ObjectDisposedException)
            {
                // The client was disposed under the lease: nothing can keep it alive now; it expires within its TTL.
                return;
            }
        }
    }

    private static void Record(string outcome) =>
        KvClientTelemetry.LeaseKeepAlives.Add(1, new KeyValuePair<string, object?>(KvClientTelemetry.OutcomeTag, outcome));
}
