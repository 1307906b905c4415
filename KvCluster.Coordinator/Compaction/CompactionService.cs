using System.Diagnostics;
using KvCluster.Log;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using Microsoft.Extensions.Options;

namespace KvCluster.Coordinator.Compaction;

/// <summary>
/// Keeps the log bounded: when the stream holds more than <see cref="CoordinatorOptions.RetainEntries"/>, one
/// coordinator (the holder of the compaction lease) copies a healthy node's snapshot into Redis as a checkpoint,
/// and only once that checkpoint is complete and verified trims the stream — never past it, so Redis alone
/// always holds checkpoint + tail = the whole database.
/// </summary>
public sealed class CompactionService(
    IReplicatedLog log,
    CompactionLease lease,
    ClusterMembership membership,
    SnapshotSource snapshots,
    IOptions<CoordinatorOptions> options,
    ILogger<CompactionService> logger) : BackgroundService
{
    // Unique per process: a restarted coordinator must not mistake a lease it held before for its own.
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CompactionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CompactOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is LogUnavailableException or CheckpointException or HttpRequestException or IOException
                                              or InvalidOperationException or FormatException
                                              || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    logger.LogWarning("Compaction failed ({Error}); the log is left as it was and compaction is retried later", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One compaction if the log is long enough; true when a checkpoint was written.</summary>
    public async Task<bool> CompactOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var extent = await log.ReadExtentAsync(cancellationToken).ConfigureAwait(false);
        if (extent.Length <= settings.RetainEntries) return false;
        if (!await lease.TryAcquireAsync(_owner, settings.CompactionLeaseTtl, cancellationToken).ConfigureAwait(false)) return false;
        try
        {
            return await CompactHoldingLeaseAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await lease.ReleaseAsync(_owner, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<bool> CompactHoldingLeaseAsync(CoordinatorOptions settings, CancellationToken cancellationToken)
    {
        var view = await membership.ReadViewAsync(cancellationToken).ConfigureAwait(false);
        // The most advanced healthy node: its snapshot lets the most be trimmed.
        var source = view.Members.Where(m => m.Health == "healthy").MaxBy(m => m.Applied);
        if (source is null)
        {
            logger.LogInformation("No healthy node to take a checkpoint from; compaction waits");
            return false;
        }
        var published = await log.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (published is not null && source.Applied <= published.Seq)
        {
            // Nothing newer to checkpoint; trimming to the existing checkpoint may still be due.
            await TrimAsync(view.Head, settings, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var clock = Stopwatch.StartNew();
        CheckpointManifest manifest;
        using (var snapshot = await snapshots.FetchAsync(source, cancellationToken).ConfigureAwait(false))
        {
            manifest = await log.WriteCheckpointAsync(snapshot.Seq, snapshot.ChainHash, snapshot.Body, cancellationToken).ConfigureAwait(false);
        }
        var trimmed = await TrimAsync(view.Head, settings, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Checkpoint at seq {Seq} from {Node} ({Bytes} bytes in {Chunks} chunks) written in {ElapsedMs} ms; log trimmed below {KeptFrom} ({Removed} entries)",
            manifest.Seq, source.Id, manifest.Bytes, manifest.Chunks, clock.ElapsedMilliseconds, trimmed.KeptFromSeq, trimmed.EntriesRemoved);
        return true;
    }

    // Keep RetainEntries behind the head; the trim script never goes past the published checkpoint.
    private Task<LogTrimResult> TrimAsync(long head, CoordinatorOptions settings, CancellationToken cancellationToken) =>
        log.TrimAsync(Math.Max(1, head - settings.RetainEntries + 1), cancellationToken);
}
