using System.Diagnostics;
using System.Threading.Channels;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace KvCluster.Coordinator.Sequencing;

/// <summary>
/// Group commit: appends that arrive while a script call is in flight are coalesced into the next one,
/// so throughput grows with load instead of paying one Redis round trip per write.
/// </summary>
public sealed class AppendBatcher : BackgroundService
{
    private readonly Channel<PendingAppend> _queue;
    private readonly IReplicatedLog _log;
    private readonly CoordinatorOptions _options;
    private readonly ILogger<AppendBatcher> _logger;

    public AppendBatcher(IReplicatedLog log, IOptions<CoordinatorOptions> options, ILogger<AppendBatcher> logger)
    {
        _log = log;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(_options.MaxQueuedAppends)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = _options.MaxConcurrentBatches == 1,
        });
    }

    /// <summary>Sequences the commands, in order, and returns where each landed.</summary>
    public async Task<AppendOutcome[]> AppendAsync(IReadOnlyList<AppendCommand> commands, CancellationToken cancellationToken)
    {
        // The request's wait for a batch and its share of the script call, as a child of the request's span.
        using var activity = KvTelemetry.Source.StartActivity("kv.append");
        activity?.SetTag("kv.append.commands", commands.Count);
        var pending = new PendingAppend(commands) { RequestContext = activity?.Context ?? default };
        try
        {
            if (!_queue.Writer.TryWrite(pending)) throw new AppendQueueFullException(_options.MaxQueuedAppends);
            var outcomes = await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (activity is { IsAllDataRequested: true } && outcomes.Length > 0) activity.SetTag("kv.seq", outcomes[0].Seq);
            return outcomes;
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new Task[Math.Max(1, _options.MaxConcurrentBatches)];
        for (int i = 0; i < loops.Length; i++) loops[i] = RunBatchLoopAsync(stoppingToken);
        return Task.WhenAll(loops);
    }

    private async Task RunBatchLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingAppend>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                int commandCount = 0;
                while (commandCount < _options.MaxBatchCommands && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    commandCount += next.Commands.Count;
                }
                if (batch.Count == 0) continue;
                await SequenceAsync(batch, commandCount, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var abandoned))
            {
                abandoned.Completion.TrySetException(new OperationCanceledException("The coordinator is stopping."));
            }
        }
    }

    private async Task SequenceAsync(List<PendingAppend> batch, int commandCount, CancellationToken stoppingToken)
    {
        AppendOutcome[] outcomes;
        using (var activity = SequenceBatchSpan.Start(batch, commandCount))
        {
            try
            {
                // Each request stays a group of its own: a retried request is recognised by its first request id.
                var requests = new IReadOnlyList<AppendCommand>[batch.Count];
                for (int i = 0; i < requests.Length; i++) requests[i] = batch[i].Commands;
                outcomes = await _log.AppendAsync(requests, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                // Every request of the batch gets the failure; whether the script ran is unknown to them,
                // which their request ids make safe to retry.
                _logger.LogWarning(e, "Sequencing a batch of {Commands} commands failed", commandCount);
                CoordinatorMetrics.Appends.Add(commandCount, new KeyValuePair<string, object?>("kv.append.outcome", "failed"));
                foreach (var pending in batch) pending.Completion.TrySetException(e);
                return;
            }
            if (activity is { IsAllDataRequested: true } && outcomes.Length > 0)
            {
                activity.SetTag("kv.seq.first", outcomes[0].Seq);
                activity.SetTag("kv.seq.last", outcomes[^1].Seq);
            }
        }

        CoordinatorMetrics.BatchSize.Record(commandCount);
        if (CoordinatorMetrics.Appends.Enabled) RecordAppends(outcomes);
        int offset = 0;
        foreach (var pending in batch)
        {
            var mine = outcomes.AsSpan(offset, pending.Commands.Count).ToArray();
            offset += mine.Length;
            pending.Completion.TrySetResult(mine);
        }
    }

    private static void RecordAppends(AppendOutcome[] outcomes)
    {
        int duplicates = 0;
        foreach (var outcome in outcomes) if (outcome.Duplicate) duplicates++;
        if (outcomes.Length > duplicates)
        {
            CoordinatorMetrics.Appends.Add(outcomes.Length - duplicates, new KeyValuePair<string, object?>("kv.append.outcome", "sequenced"));
        }
        if (duplicates > 0) CoordinatorMetrics.Appends.Add(duplicates, new KeyValuePair<string, object?>("kv.append.outcome", "duplicate"));
    }
}
