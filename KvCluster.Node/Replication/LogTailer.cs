using System.Diagnostics;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Client;
using KvCluster.Log.Entries;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>
/// Tails the log stream from the last applied sequence number and applies each entry, in order, to the
/// replica's state machine. Checks on every entry that the sequence is dense and the hash chain unbroken. A
/// gap means the log was compacted past this node; a broken chain means its state is not the log's history.
/// Either way it stops serving consistent reads and rebuilds from Redis: checkpoint, then tail.
/// The loop has a thread of its own and reads with blocking socket calls (<see cref="IRedisClient.ExecuteBlocking"/>):
/// one wake-up per batch of entries, where async reads took several thread hops.
/// </summary>
public sealed class LogTailer : BackgroundService
{
    private static readonly TimeSpan BlockTime = TimeSpan.FromSeconds(1);

    private readonly IRedisClient _redis;
    private readonly LogKeys _keys;
    private readonly ReplicaState _replica;
    private readonly PendingWrites _pending;
    private readonly NodeOptions _options;
    private readonly NodeMetrics _metrics;
    private readonly CheckpointStore _checkpoints;
    private readonly SnapshotStore _snapshots;
    private readonly ILogger<LogTailer> _logger;

    public LogTailer(IRedisClient redis, LogKeys keys, ReplicaState replica, PendingWrites pending,
        IOptions<NodeOptions> options, NodeMetrics metrics, CheckpointStore checkpoints, SnapshotStore snapshots,
        ILogger<LogTailer> logger)
    {
        _checkpoints = checkpoints;
        _snapshots = snapshots;
        _metrics = metrics;
        _redis = redis;
        _keys = keys;
        _replica = replica;
        _pending = pending;
        _options = options.Value;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
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
                    Rebuild(stoppingToken);
                    continue;
                }
                var entries = ReadAfter(_replica.Applied.Value, stoppingToken);
                ApplyToServingMachine(entries);
                backoff = TimeSpan.FromMilliseconds(50);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is CheckpointException or SnapshotFormatException or IOException)
            {
                _logger.LogWarning("Loading the checkpoint failed ({Error}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                stoppingToken.WaitHandle.WaitOne(backoff);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
            catch (RedisException e)
            {
                _logger.LogWarning("Tailing the log failed ({Error}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                stoppingToken.WaitHandle.WaitOne(backoff);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private List<LogEntry> ReadAfter(long applied, CancellationToken stoppingToken)
    {
        var command = new RedisCommand("XREAD", 7)
            .Add("COUNT").Add(_options.TailBatchSize)
            .Add("BLOCK").Add((long)BlockTime.TotalMilliseconds)
            .Add("STREAMS").Add(_keys.Log).Add(applied + "-0");
        var reply = _redis.ExecuteBlocking(command, BlockTime + TimeSpan.FromSeconds(5), stoppingToken);
        var entries = LogEntryCodec.DecodeXRead(reply);
        if (entries.Count < _options.TailBatchSize) _replica.MarkCaughtUp();
        if (entries.Count > 0) _replica.ObserveHead(entries[^1].Seq);
        return entries;
    }

    private void ApplyToServingMachine(List<LogEntry> entries)
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
            var result = machine.Apply(entry);
            if (span is not null) ApplySpan.Complete(span, result);
            if (entry.RequestId.Length > 0 && entry.OriginNode == _options.NodeId)
            {
                _pending.Complete(entry.RequestId, new AppliedWrite(entry.Seq, result));
            }
        }
        _replica.Applied.Advance(machine.AppliedSeq);
    }

    private static bool ContinuesChain(KvStateMachine machine, LogEntry entry) =>
        entry.Seq == machine.AppliedSeq + 1 && ChainHash.Continues(machine.LastChainHash, entry);

    /// <summary>
    /// Builds a fresh state from Redis — the newest checkpoint, then the log after it — while the old state keeps
    /// answering local reads, then swaps it in. Used when this node is behind the trim point, and when its state
    /// is no longer the log's history.
    /// </summary>
    private void Rebuild(CancellationToken stoppingToken)
    {
        _logger.LogWarning("Node {NodeId} rebuilding its state from Redis ({Reason})", _options.NodeId, _replica.Divergence);
        long startedAt = Stopwatch.GetTimestamp();
        // Loading a checkpoint is async I/O; this thread has nothing else to do meanwhile.
        var machine = StartingPointAsync(stoppingToken).GetAwaiter().GetResult();
        while (true)
        {
            var entries = ReadAfter(machine.AppliedSeq, stoppingToken);
            if (entries.Count == 0) break;
            foreach (var entry in entries)
            {
                if (!ContinuesChain(machine, entry))
                {
                    // Compacted again meanwhile, or the log changed under us: start over from the newest checkpoint.
                    _logger.LogWarning("Node {NodeId}: the log does not continue the checkpoint at seq {Seq}; retrying the rebuild",
                        _options.NodeId, entry.Seq);
                    stoppingToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
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
        var manifest = await _checkpoints.ReadManifestAsync(stoppingToken);
        if (manifest is null) return new KvStateMachine(_options.IdempotencyRetention);
        var loaded = await _snapshots.InstallAsync((file, ct) => _checkpoints.CopyToAsync(manifest, file, ct),
            _options.IdempotencyRetention, stoppingToken);
        _logger.LogInformation("Node {NodeId} loaded the checkpoint at seq {Seq} ({Bytes} bytes) from Redis",
            _options.NodeId, manifest.Seq, manifest.Bytes);
        return loaded.Machine;
    }
}
