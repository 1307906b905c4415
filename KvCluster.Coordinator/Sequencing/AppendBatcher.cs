using System.Diagnostics.Metrics;
using System.Threading.Channels;
using KvCluster.RedisLog.Log;
using Microsoft.Extensions.Options;

namespace KvCluster.Coordinator.Sequencing;

/// <summary>
/// Group commit: appends that arrive while a script call is in flight are coalesced into the next one,
/// so throughput grows with load instead of paying one Redis round trip per write.
/// </summary>
public sealed class AppendBatcher : BackgroundService
{
    private static readonly Histogram<int> BatchSize = CoordinatorMetrics.Meter.CreateHistogram<int>(
        "kv.append.batch.size", "{command}", "Commands sequenced by one script call.");

    private readonly Channel<PendingAppend> _queue;
    private readonly SequencerScript _sequencer;
    private readonly CoordinatorOptions _options;
    private readonly ILogger<AppendBatcher> _logger;

    public AppendBatcher(SequencerScript sequencer, IOptions<CoordinatorOptions> options, ILogger<AppendBatcher> logger)
    {
        _sequencer = sequencer;
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
    public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<AppendCommand> commands, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(commands);
        if (!_queue.Writer.TryWrite(pending)) throw new AppendQueueFullException(_options.MaxQueuedAppends);
        return pending.Completion.Task.WaitAsync(cancellationToken);
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
        var commands = new List<AppendCommand>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                commands.Clear();
                while (commands.Count < _options.MaxBatchCommands && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    commands.AddRange(next.Commands);
                }
                if (batch.Count == 0) continue;
                await SequenceAsync(batch, commands, stoppingToken).ConfigureAwait(false);
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

    private async Task SequenceAsync(List<PendingAppend> batch, List<AppendCommand> commands, CancellationToken stoppingToken)
    {
        AppendOutcome[] outcomes;
        try
        {
            outcomes = await _sequencer.AppendAsync(commands, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Every request of the batch gets the failure; whether the script ran is unknown to them,
            // which their request ids make safe to retry.
            _logger.LogWarning(e, "Sequencing a batch of {Commands} commands failed", commands.Count);
            foreach (var pending in batch) pending.Completion.TrySetException(e);
            return;
        }

        BatchSize.Record(commands.Count);
        int offset = 0;
        foreach (var pending in batch)
        {
            var mine = outcomes.AsSpan(offset, pending.Commands.Count).ToArray();
            offset += mine.Length;
            pending.Completion.TrySetResult(mine);
        }
    }
}
