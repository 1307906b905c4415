using System.Globalization;
using KvCluster.Log;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;

namespace KvCluster.Node.Watch;

/// <summary>
/// This node's watch streams: checks a request, holds the node to <see cref="WatchOptions.MaxStreams"/>, decides where
/// the stream's changes come from (the journal, history from Redis, or nowhere: 410) and runs it. Every stream ends
/// when the node stops.
/// </summary>
internal sealed class WatchHub(ReplicaState replica, HistoryReplay history, WatchOptions options, NodeMetrics metrics,
    IHostApplicationLifetime lifetime)
{
    private int _open;

    public async Task ServeAsync(HttpContext context)
    {
        if (!WatchRequest.TryParse(context.Request, out var request, out string error))
        {
            await Problems.BadRequest("Invalid watch", error).ExecuteAsync(context);
            return;
        }
        if (Interlocked.Increment(ref _open) > options.MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            metrics.RecordWatchEnded("limit");
            context.Response.Headers.RetryAfter = "5";
            await Problems.Unavailable("Too many watch streams",
                $"This node serves at most {options.MaxStreams} watch streams at once (Kv:Watch:MaxStreams) and all are open; " +
                "retry later or watch through another node.").ExecuteAsync(context);
            return;
        }
        metrics.WatchStreamOpened();
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            await ServeOpenAsync(context, request, cancel.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Gone before the stream began.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            metrics.WatchStreamClosed();
        }
    }

    private async Task ServeOpenAsync(HttpContext context, WatchRequest request, CancellationToken cancel)
    {
        var journal = replica.Changes;
        var state = journal.Current;
        long start = request.Start ?? state.Position + 1;
        ReplayPlan? plan = null;
        if (start < state.OldestSeq)
        {
            try
            {
                plan = await history.PlanAsync(start, state.OldestSeq, cancel);
            }
            catch (LogUnavailableException)
            {
                context.Response.Headers.RetryAfter = "1";
                await Problems.Unavailable("Log unavailable",
                    $"Seq {start} is older than this node's change journal (it starts at {state.OldestSeq}), so it comes from Redis, " +
                    "which cannot be read now. Retry, or start at a later seq.").ExecuteAsync(context);
                return;
            }
            if (plan.Compacted)
            {
                await Gone(start, plan.OldestSeq).ExecuteAsync(context);
                return;
            }
        }

        string first = request.Start is null
            ? $"watching from seq {Text(start)} (this node's applied position {Text(state.Position)})"
            : plan is null
                ? $"watching from seq {Text(start)}"
                : $"watching from seq {Text(start)} (history from the log until this node's recent changes, from seq {Text(state.OldestSeq)})";
        using var stream = new WatchStream(context, journal, options, metrics, request.Filter, start, state.Generation, cancel,
            lifetime.ApplicationStopping);
        await stream.RunAsync(first, plan, history);
    }

    // etcd's "compacted": the start is older than anything the node can still make changes from.
    private static IResult Gone(long start, long oldestSeq) => Results.Problem(
        title: "History compacted",
        detail: $"Seq {Text(start)} is no longer available: the oldest seq this node can watch from is {Text(oldestSeq)}. " +
                "Read the current values, then watch from the seq they were read at + 1.",
        statusCode: StatusCodes.Status410Gone,
        extensions: new Dictionary<string, object?> { ["oldestSeq"] = oldestSeq });

    private static string Text(long seq) => seq.ToString(CultureInfo.InvariantCulture);
}
