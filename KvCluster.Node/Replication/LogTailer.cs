using System.Diagnostics;
using KvCluster.Node.StateMachine;
using KvCluster.RedisLog.Client;
using KvCluster.RedisLog.Log;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>
/// Tails the log stream from the last applied sequence number and applies each entry, in order, to the
/// replica's state machine. Checks on every entry that the sequence is dense and the hash chain unbroken;
/// either failing means this replica's state is not the log's, so it stops serving consistent reads and
/// rebuilds from the log.
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
    private readonly ILogger<LogTailer> _logger;

    public LogTailer(IRedisClient redis, LogKeys keys, ReplicaState replica, PendingWrites pending,
        IOptions<NodeOptions> options, NodeMetrics metrics, ILogger<LogTailer> logger)
    {
        _metrics = metrics;
        _redis = redis;
        _keys = keys;
        _replica = replica;
        _pending = pending;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
                    await RebuildAsync(stoppingToken);
                    continue;
                }
                var entries = await ReadAfterAsync(_replica.Applied.Value, stoppingToken);
                ApplyToServingMachine(entries);
                backoff = TimeSpan.FromMilliseconds(50);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException e)
            {
                _logger.LogWarning("Tailing the log failed ({Error}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async Task<List<LogEntry>> ReadAfterAsync(long applied, CancellationToken stoppingToken)
    {
        var command = new RedisCommand("XREAD", 7)
            .Add("COUNT").Add(_options.TailBatchSize)
            .Add("BLOCK").Add((long)BlockTime.TotalMilliseconds)
            .Add("STREAMS").Add(_keys.Log).Add(applied + "-0");
        var reply = await _redis.ExecuteBlockingAsync(command, BlockTime + TimeSpan.FromSeconds(5), stoppingToken);
        var entries = LogEntryCodec.DecodeXRead(reply);
        if (entries.Count < _options.TailBatchSize) _replica.MarkCaughtUp();
        if (entries.Count > 0) _replica.ObserveHead(entries[^1].Seq);
        return entries;
    }

    private void ApplyToServingMachine(List<LogEntry> entries)
    {
        if (entries.Count == 0) return;
        var machine = _replica.Machine;
        string chain = _replica.LastChainHash;
        foreach (var entry in entries)
        {
            string? problem = Check(machine.AppliedSeq, chain, entry);
            if (problem is not null)
            {
                _logger.LogError("Replica diverged from the log at seq {Seq}: {Problem}. Serving no consistent reads until rebuilt from Redis.",
                    entry.Seq, problem);
                _replica.MarkDiverged(problem);
                break;
            }
            // Replaying history (a node starting or far behind) makes no spans: they would land in traces long over.
            var span = _replica.CaughtUp ? ApplySpan.Start(entry) : null;
            var result = machine.Apply(entry);
            if (span is not null) ApplySpan.Complete(span, result);
            chain = entry.ChainHash;
            _replica.LastChainHash = chain;
            if (entry.RequestId.Length > 0 && entry.OriginNode == _options.NodeId)
            {
                _pending.Complete(entry.RequestId, new AppliedWrite(entry.Seq, result));
            }
        }
        _replica.Applied.Advance(machine.AppliedSeq);
    }

    /// <summary>Null when <paramref name="entry"/> continues what was applied; otherwise what is wrong.</summary>
    private static string? Check(long applied, string chain, LogEntry entry)
    {
        if (entry.Seq != applied + 1)
        {
            return $"expected seq {applied + 1} next but the log has {entry.Seq} (entries missing or trimmed)";
        }
        if (ChainHash.Next(chain, entry) != entry.ChainHash)
        {
            return "the hash chain is broken: the log is not the continuation of what this replica applied";
        }
        return null;
    }

    /// <summary>
    /// Replays the log from the start into a fresh state machine while the old one keeps answering local reads,
    /// then swaps it in. Needs the stream to still begin at seq 1 (checkpoints come with compaction).
    /// </summary>
    private async Task RebuildAsync(CancellationToken stoppingToken)
    {
        _logger.LogWarning("Rebuilding replica state from the log ({Reason})", _replica.Divergence);
        long startedAt = Stopwatch.GetTimestamp();
        var machine = new KvStateMachine(_options.IdempotencyRetention);
        string chain = "";
        while (true)
        {
            var entries = await ReadAfterAsync(machine.AppliedSeq, stoppingToken);
            if (entries.Count == 0) break;
            foreach (var entry in entries)
            {
                string? problem = Check(machine.AppliedSeq, chain, entry);
                if (problem is not null)
                {
                    _logger.LogError("Cannot rebuild from the log: {Problem}. Retrying shortly.", problem);
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
                    return;
                }
                machine.Apply(entry);
                chain = entry.ChainHash;
            }
            if (entries.Count < _options.TailBatchSize) break;
        }
        _replica.ReplaceMachine(machine, chain);
        var took = Stopwatch.GetElapsedTime(startedAt);
        _metrics.RecordCatchUp(took, "rebuild");
        _logger.LogWarning("Replica rebuilt from the log up to seq {Seq} in {ElapsedMs} ms", machine.AppliedSeq, (long)took.TotalMilliseconds);
    }
}
