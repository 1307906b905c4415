using System.Diagnostics;
using System.IO.Pipelines;
using KvCluster.Log;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Watch;

/// <summary>
/// One watch response: the changes from its start, first from history when the journal no longer holds them
/// (<see cref="HistoryReplay"/>), then from the node's <see cref="ChangeJournal"/>, as server-sent events, until the
/// client goes, the node stops, the client is too slow, or the node's state is rebuilt; the node says why in a last
/// <c>event: close</c> whenever the client can still hear it. docs/architecture.md §8.1.
/// </summary>
internal sealed class WatchStream : IDisposable
{
    private const int ReadBatch = 256;
    private static readonly TimeSpan CloseWriteTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpContext _context;
    private readonly PipeWriter _body;
    private readonly ChangeJournal _journal;
    private readonly WatchOptions _options;
    private readonly NodeMetrics _metrics;
    private readonly WatchFilter _filter;
    private readonly CancellationToken _cancel;
    private readonly CancellationToken _nodeStopping;
    private readonly WatchEventFormat _format = new();
    private long _delivered;
    private long _generation;
    private long _lastWrite = Stopwatch.GetTimestamp();

    /// <param name="start">The first seq to send.</param>
    /// <param name="generation">The journal's generation <paramref name="start"/> was chosen in.</param>
    /// <param name="cancel">Ends when the client goes or the node stops (<paramref name="nodeStopping"/>).</param>
    public WatchStream(HttpContext context, ChangeJournal journal, WatchOptions options, NodeMetrics metrics, WatchFilter filter,
        long start, long generation, CancellationToken cancel, CancellationToken nodeStopping)
    {
        _context = context;
        _body = context.Response.BodyWriter;
        _journal = journal;
        _options = options;
        _metrics = metrics;
        _filter = filter;
        _delivered = start - 1;
        _generation = generation;
        _cancel = cancel;
        _nodeStopping = nodeStopping;
    }

    /// <summary>Sends the stream until it ends; never throws for the ways a stream ends.</summary>
    /// <param name="firstComment">The first line's text: where the stream starts, and from what.</param>
    /// <param name="history">With a plan, the history before the journal is replayed first.</param>
    public async Task RunAsync(string firstComment, ReplayPlan? plan, HistoryReplay history)
    {
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = WatchEventFormat.ContentType;
        response.Headers.CacheControl = "no-cache";
        // Tells a buffering reverse proxy (nginx) to pass each event on at once.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            WatchEventFormat.WriteComment(_body, firstComment);
            await FlushAsync().ConfigureAwait(false);
            if (plan is not null)
            {
                _delivered = await history.ReplayAsync(_delivered + 1, plan, _filter, MeetsJournal, SendAsync, _cancel).ConfigureAwait(false);
            }
            await FollowJournalAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (_nodeStopping.IsCancellationRequested) await CloseAsync("node-stopping", "The node is stopping; resume on another node.").ConfigureAwait(false);
            else _metrics.RecordWatchEnded("client-gone");
        }
        catch (SlowConsumerException)
        {
            // The client took nothing for WriteTimeout: the close event is tried briefly (it fits only if the client reads
            // again at once), then the connection goes.
            await CloseAsync("slow-consumer", $"This stream's client took no bytes for {_options.WriteTimeout.TotalSeconds:0.#} s " +
                "(Kv:Watch:WriteTimeout); resume from lastSeq + 1.").ConfigureAwait(false);
            _context.Abort();
        }
        catch (HistoryCompactedException compacted)
        {
            _delivered = Math.Max(_delivered, compacted.DeliveredThrough);
            await CloseAsync("compacted", $"The log was compacted while this stream replayed it; the oldest seq available is {compacted.OldestSeq}.")
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is LogUnavailableException or SnapshotFormatException or IOException)
        {
            await CloseAsync("log-unavailable", "History older than this node's change journal comes from Redis, which cannot be read now; resume later.")
                .ConfigureAwait(false);
        }
    }

    public void Dispose() => _format.Dispose();

    private async Task FollowJournalAsync()
    {
        var batch = new List<KvChange>(ReadBatch);
        var matching = new List<KvChange>(ReadBatch);
        while (true)
        {
            batch.Clear();
            var read = _journal.Read(_generation, _delivered + 1, ReadBatch, batch);
            switch (read.Status)
            {
                case JournalReadStatus.Reset:
                    await CloseAsync("rebuilt", $"This node replaced its state ({read.Reason}); resume on another node, or here once it is ready.")
                        .ConfigureAwait(false);
                    return;
                case JournalReadStatus.FellBehind:
                    await CloseAsync("slow-consumer", "This stream fell behind the changes this node keeps (Kv:Watch:JournalMaxChanges, " +
                        "JournalMaxBytes); resume from lastSeq + 1.").ConfigureAwait(false);
                    return;
            }
            matching.Clear();
            foreach (var change in batch)
            {
                if (_filter.Matches(change)) matching.Add(change);
            }
            await SendAsync(matching, read.Through).ConfigureAwait(false);

            // A heartbeat when nothing was written for a while, whether or not changes of other keys went by.
            var idle = _options.HeartbeatInterval - Stopwatch.GetElapsedTime(_lastWrite);
            if (idle <= TimeSpan.Zero)
            {
                WatchEventFormat.WriteComment(_body, "heartbeat");
                await FlushAsync().ConfigureAwait(false);
                continue;
            }
            if (batch.Count == 0) await _journal.WaitAsync(_generation, _delivered, idle, _cancel).ConfigureAwait(false);
        }
    }

    // The journal holds every change after `through`: follow it from there.
    private bool MeetsJournal(long through)
    {
        var state = _journal.Current;
        if (state.OldestSeq > through + 1) return false;
        _generation = state.Generation;
        return true;
    }

    private async Task SendAsync(IReadOnlyList<KvChange> changes, long through)
    {
        if (changes.Count > 0)
        {
            _format.WriteChanges(_body, changes);
            await FlushAsync().ConfigureAwait(false);
            _metrics.RecordWatchEvents(changes.Count);
        }
        _delivered = Math.Max(_delivered, through);
    }

    private async Task FlushAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        timeout.CancelAfter(_options.WriteTimeout);
        try
        {
            var flushed = await _body.FlushAsync(timeout.Token).ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled) throw new OperationCanceledException("The client went away.", _cancel);
        }
        catch (OperationCanceledException) when (!_cancel.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new SlowConsumerException();
        }
        _lastWrite = Stopwatch.GetTimestamp();
    }

    private async Task CloseAsync(string reason, string detail)
    {
        _metrics.RecordWatchEnded(reason);
        try
        {
            _format.WriteClose(_body, reason, detail, _delivered);
            using var timeout = new CancellationTokenSource(CloseWriteTimeout);
            await _body.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client cannot hear it: the stream ends all the same.
        }
    }

    private sealed class SlowConsumerException : Exception;
}
