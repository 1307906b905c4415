using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using Microsoft.Extensions.Options;

namespace KvCluster.Coordinator.Leases;

/// <summary>
/// Ends leases that were not kept alive (docs/architecture.md §8.2): a few times a second, asks Redis which lease
/// deadlines have passed (Redis time), appends a LeaseRevoke ("expired") for each through the <see cref="AppendBatcher"/>,
/// and only then forgets the lease in Redis. Every replica deletes the lease's keys when it applies that entry, at the
/// same point of the log.
/// <para>
/// Why each expiry lands once, with any number of coordinators, restarts and failovers: the revoke carries an
/// idempotency key derived from the lease id and its grant time (<see cref="LeaseEntryFormat.ExpiryIdempotencyKey"/>),
/// which no client can send, and the sequencer appends a command whose idempotency key it has seen within the retention
/// window only once. Two expirers that list the same lease both append; the second gets the first's seq back. An
/// expirer that dies between append and forget leaves the lease listed; the next one (itself after a restart, or
/// another coordinator) appends again, is answered with the earlier seq, and forgets. A revoke applied to a lease that
/// no longer exists, or never reached the state (its grant failed), changes nothing. Deadlines live in Redis, so a
/// coordinator going away neither shortens nor loses them; leases due while no coordinator runs end once one does.
/// </para>
/// </summary>
public sealed class LeaseExpirer(LeaseStore leases, AppendBatcher batcher, IOptions<LeaseExpiryOptions> options, ILogger<LeaseExpirer> logger)
    : BackgroundService
{
    private static readonly ReadOnlyMemory<byte> ExpiredValue = "expired"u8.ToArray();

    // Unique per process start, like a node's request ids: a retried append is recognised by its request id.
    private readonly string _requestIdPrefix = "lease-expirer-" + Guid.NewGuid().ToString("N")[..12] + "-";
    private long _counter;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    // A full batch means more may be due: go again at once rather than a tick later.
                    while (await ExpireOnceAsync(stoppingToken).ConfigureAwait(false) == options.Value.MaxPerRound)
                    {
                    }
                }
                catch (Exception e) when (e is LogUnavailableException or AppendQueueFullException
                                              || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    logger.LogWarning("Expiring leases failed ({Error}); retried on the next round", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: revokes and forgets up to <see cref="LeaseExpiryOptions.MaxPerRound"/> expired leases; returns how many.</summary>
    public async Task<int> ExpireOnceAsync(CancellationToken cancellationToken)
    {
        var expired = await leases.ListExpiredAsync(options.Value.MaxPerRound, cancellationToken).ConfigureAwait(false);
        if (expired.Count == 0) return 0;

        var commands = new AppendCommand[expired.Count];
        for (int i = 0; i < commands.Length; i++)
        {
            commands[i] = new AppendCommand
            {
                Operation = LogOperation.LeaseRevoke,
                Key = expired[i].Id,
                Value = ExpiredValue,
                IdempotencyKey = LeaseEntryFormat.ExpiryIdempotencyKey(expired[i].Id, expired[i].GrantedAtUnixMs),
                RequestId = _requestIdPrefix + Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture),
                OriginNode = "coordinator",
            };
        }
        // One request per command: the batcher still sequences them in one script call, and a retry of one is not a retry of all.
        var appends = commands.Select(command => batcher.AppendAsync([command], cancellationToken)).ToArray();
        var outcomes = await Task.WhenAll(appends).ConfigureAwait(false);

        for (int i = 0; i < expired.Count; i++)
        {
            // The revoke is in the log now: forgetting can no longer lose the expiry.
            await leases.ForgetAsync(expired[i].Id, expired[i].GrantedAtUnixMs, cancellationToken).ConfigureAwait(false);
            var outcome = outcomes[i][0];
            if (!outcome.Duplicate) CoordinatorMetrics.LeaseExpiries.Add(1);
            logger.LogInformation("Lease {Lease} expired; revoked at seq {Seq}{Again}", expired[i].Id, outcome.Seq,
                outcome.Duplicate ? " (already revoked by another expirer)" : "");
        }
        return expired.Count;
    }
}

/// <summary>Settings of the lease expirer under "Kv:Leases" (env Kv__Leases__...).</summary>
public sealed class LeaseExpiryOptions
{
    /// <summary>How often Redis is asked for leases past their deadline: a lease ends within its TTL plus about this.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Most leases revoked in one round; more go in the next round at once.</summary>
    public int MaxPerRound { get; set; } = 256;
}
