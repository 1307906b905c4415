using System.Diagnostics;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Log;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>
/// Tails the log stream from the last applied sequence number and applies each entry, in order, to the
/// replica's state machine. Checks on every entry that the sequence is dense and the hash chain unbroken. A
/// gap means the log was compacted past this node; a broken chain means its state is not the log's history.
/// Either way it stops serving consistent reads and rebuilds from Redis: checkpoint, then tail.
/// Between reads it waits for the log to announce a new head (<see cref="IReplicatedLog.WaitForEntriesAfterAsync"/>),
/// and reads anyway after <see cref="FallbackReadAfter"/>, since an announcement can be lost.
/// </summary>
public sealed class LogTailer : BackgroundService
{
    /// <summary>The longest a node waits for an announcement before reading anyway: the delay a lost one can cause.</summary>
    public static readonly TimeSpan FallbackReadAfter = TimeSpan.FromMilliseconds(500);

    private readonly IReplicatedLog _log;
    private readonly ReplicaState _replica;
    private readonly PendingWrites _pending;
    private readonly NodeOptions _options;
    private readonly NodeMetrics _metrics;
    private readonly SnapshotStore _snapshots;
    private readonly ILogger<LogTailer> _logger;
    // The changes of one batch, handed to the watch journal after it; reused (the journal copies them).
    private readonly List<KvChange> _changes = [];

    public LogTailer(IReplicatedLog log, ReplicaState replica, PendingWrites pending,
        IOptions<NodeOptions> options, NodeMetrics metrics, SnapshotStore snapshots, ILogger<LogTailer> logger)
    {
        _snapshots = snapshots;
        _metrics = metrics;
        _log = log;
        _replica = replica;
        _pending = pending;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: the first read may wait for Redis.
        await Task.Yield();
        // Every line the tailer logs names the node (a structured attribute in exported logs, not only text).
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["NodeId"] = _options.NodeId });
        _logger.LogInformation("Node {NodeId} tailing the log after seq {Seq}", _options.NodeId, _replica.Applied.Value);
        long startedAt = Stopwatch.GetTimestamp();
        var backoff = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (startedAt != 0 && _replica.CaughtUp)
            {
                var took = Stopwatch.GetElapsedTime(startedAt);
                startedAt = 0;
                _metrics.RecordCatchUp(took, "start");
                _logger.LogInformation("Node {NodeId} caught up with the log at seq {Seq} in {ElapsedMs} ms",
                    _options.NodeId, _replica.Applied.Value, (long)took.TotalMilliseconds);
            }
            try
            {
                if (_replica.Divergence is not null)
                {
                    await RebuildAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }
                long applied = _replica.Applied.Value;
                var entries = await ReadAfterAsync(applied, stoppingToken).ConfigureAwait(false);
                ApplyToServingMachine(entries);
                backoff = TimeSpan.FromMilliseconds(50);
                // A full batch means more is waiting; otherwise wait for the next head (or the fallback read).
                if (entries.Count < _options.TailBatchSize && _replica.Divergence is null)
                {
                    await _log.WaitForEntriesAfterAsync(_replica.Applied.Value, FallbackReadAfter, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is CheckpointException or SnapshotFormatException or IOException)
            {
                _logger.LogWarning("Loading the checkpoint failed ({Error}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                await Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
            catch (Exception e) when (e is LogUnavailableException or LogFormatException)
            {
                _logger.LogWarning("Tailing the log failed ({Error}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                await Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long applied, CancellationToken stoppingToken)
    {
        var entries = await _log.ReadAfterAsync(applied, _options.TailBatchSize, stoppingToken).ConfigureAwait(false);
        if (entries.Count < _options.TailBatchSize) _replica.MarkCaughtUp();
        if (entries.Count > 0) _replica.ObserveHead(entries[^1].Seq);
        return entries;
    }

    // A stop during the wait ends it quietly; the loop then sees the token.
    private static Task Delay(TimeSpan delay, CancellationToken stoppingToken) =>
        Task.Delay(delay, stoppingToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void ApplyToServingMachine(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        var machine = _replica.Machine;
        foreach (var entry in entries)
        {
            if (entry.Seq > machine.AppliedSeq + 1)
            {
                // Compaction trimmed what this node still needed: normal for a new or long-dead node.
                _logger.LogInformation("Node {NodeId} is at seq {Applied} but the log now starts at {Seq}; catching up from the checkpoint",
                    _options.NodeId, machine.AppliedSeq, entry.Seq);
                _replica.MarkDiverged($"behind the log's trim point (applied {machine.AppliedSeq}, log continues at {entry.Seq})");
                break;
            }
            if (!ContinuesChain(machine, entry))
            {
                _logger.LogError("Node {NodeId} diverged from the log at seq {Seq}: the hash chain is broken, so the log is not the " +
                                 "continuation of what this replica applied. Serving no consistent reads until rebuilt from Redis.",
                    _options.NodeId, entry.Seq);
                _replica.MarkDiverged($"the hash chain is broken at seq {entry.Seq}");
                break;
            }
            // Replaying history (a node starting or far behind) makes no spans: they would land in traces long over.
            var span = _replica.CaughtUp ? ApplySpan.Start(entry) : null;
            var result = machine.Apply(entry, _changes);
            if (span is not null) ApplySpan.Complete(span, result);
            if (entry.RequestId.Length > 0 && entry.OriginNode == _options.NodeId)
            {
                _pending.Complete(entry.RequestId, new AppliedWrite(entry.Seq, result));
            }
        }
        _replica.Applied.Advance(machine.AppliedSeq);
        // The watch streams' feed (docs/architecture.md §8.1): this batch's changes, and how far they go.
        _replica.Changes.Publish(_changes, machine.AppliedSeq);
        _changes.Clear();
    }

    private static bool ContinuesChain(KvStateMachine machine, LogEntry entry) =>
        entry.Seq == machine.AppliedSeq + 1 && ChainHash.Continues(machine.LastChainHash, entry);

    /// <summary>
    /// Builds a fresh state from Redis — the newest checkpoint, then the log after it — while the old state keeps
    /// answering local reads, then swaps it in. Used when this node is behind the trim point, and when its state
    /// is no longer the log's history.
    /// </summary>
    private async Task RebuildAsync(CancellationToken stoppingToken)
    {
        _logger.LogWarning("Node {NodeId} rebuilding its state from Redis ({Reason})", _options.NodeId, _replica.Divergence);
        long startedAt = Stopwatch.GetTimestamp();
        var machine = await StartingPointAsync(stoppingToken).ConfigureAwait(false);
        while (true)
        {
            var entries = await ReadAfterAsync(machine.AppliedSeq, stoppingToken).ConfigureAwait(false);
            if (entries.Count == 0) break;
            foreach (var entry in entries)
            {
                if (!ContinuesChain(machine, entry))
                {
                    // Compacted again meanwhile, or the log changed under us: start over from the newest checkpoint.
                    _logger.LogWarning("Node {NodeId}: the log does not continue the checkpoint at seq {Seq}; retrying the rebuild",
                        _options.NodeId, entry.Seq);
                    await Delay(TimeSpan.FromMilliseconds(500), stoppingToken).ConfigureAwait(false);
                    return;
                }
                machine.Apply(entry);
            }
            if (entries.Count < _options.TailBatchSize) break;
        }
        _replica.ReplaceMachine(machine);
        var took = Stopwatch.GetElapsedTime(startedAt);
        _metrics.RecordCatchUp(took, "rebuild");
        _logger.LogWarning("Node {NodeId} rebuilt its state from Redis up to seq {Seq} in {ElapsedMs} ms",
            _options.NodeId, machine.AppliedSeq, (long)took.TotalMilliseconds);
    }

    /// <summary>The newest checkpoint in Redis (kept as this node's snapshot), or an empty state when there is none.</summary>
    private async Task<KvStateMachine> StartingPointAsync(CancellationToken stoppingToken)
    {
        var manifest = await _log.ReadCheckpointAsync(stoppingToken).ConfigureAwait(false);
        if (manifest is null) return new KvStateMachine(_options.IdempotencyRetention);
        var loaded = await _snapshots.InstallAsync((file, ct) => _log.CopyCheckpointToAsync(manifest, file, ct),
            _options.IdempotencyRetention, stoppingToken).ConfigureAwait(false);
        _logger.LogInformation("Node {NodeId} loaded the checkpoint at seq {Seq} ({Bytes} bytes) from Redis",
            _options.NodeId, manifest.Seq, manifest.Bytes);
        return loaded.Machine;
    }
}
