using KvCluster.Log;
using System.Diagnostics;
using KvCluster.Log.Entries;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>
/// The write path: register a waiter, append through the coordinator, wait until this replica has applied the
/// entry, answer with what the state machine computed — always cleaning up (etcd's processInternalRaftRequestOnce).
/// </summary>
public sealed class WriteProposer
{
    // Unique per process start, so request ids never repeat across restarts of a node.
    private readonly string _requestIdPrefix = Guid.NewGuid().ToString("N")[..12] + "-";
    private long _counter;

    private readonly CoordinatorClient _coordinator;
    private readonly ReplicaState _replica;
    private readonly PendingWrites _pending;
    private readonly NodeOptions _options;
    private readonly NodeMetrics _metrics;

    public WriteProposer(CoordinatorClient coordinator, ReplicaState replica, PendingWrites pending, IOptions<NodeOptions> options,
        NodeMetrics metrics)
    {
        _metrics = metrics;
        _coordinator = coordinator;
        _replica = replica;
        _pending = pending;
        _options = options.Value;
    }

    public Task<WriteOutcome> ProposeAsync(LogOperation operation, string key, ReadOnlyMemory<byte> value, string contentType,
        Precondition precondition, string idempotencyKey, CancellationToken cancellationToken) =>
        ProposeAsync(new ProposedWrite(operation, key)
        {
            Value = value,
            ContentType = contentType,
            Precondition = precondition,
            IdempotencyKey = idempotencyKey,
        }, cancellationToken);

    public async Task<WriteOutcome> ProposeAsync(ProposedWrite write, CancellationToken cancellationToken)
    {
        var outcome = await ProposeOnceAsync(write, cancellationToken);
        _metrics.RecordWrite(write.Operation, outcome);
        return outcome;
    }

    private async Task<WriteOutcome> ProposeOnceAsync(ProposedWrite write, CancellationToken cancellationToken)
    {
        if (_replica.Divergence is { } divergence) return new WriteOutcome.Refused($"This node is rebuilding its state: {divergence}.");
        if (_replica.Lag > _options.MaxApplyLag)
        {
            return new WriteOutcome.Refused($"This node is {_replica.Lag} entries behind the log (limit {_options.MaxApplyLag}); try another node.");
        }

        string requestId = _requestIdPrefix + Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var command = new AppendCommand
        {
            Operation = write.Operation,
            Key = write.Key,
            Value = write.Value,
            ContentType = write.ContentType,
            Precondition = write.Precondition,
            IdempotencyKey = write.IdempotencyKey,
            Lease = write.Lease,
            RequestId = requestId,
            // The request's span: each replica's apply span becomes its child (see ApplySpan), and HttpClient
            // carries the same context to the coordinator in the traceparent header.
            TraceParent = Activity.Current?.Id ?? "",
            OriginNode = _options.NodeId,
        };

        // The wait ends when the write is decided or its deadline passes, not when the client goes away: by then the
        // write is on its way into the log regardless, and a per-write cancellation source and timer cost more than
        // holding a waiter a little longer.
        var pending = _pending.Register(requestId, _options.WriteTimeout);
        try
        {
            WriteDecision decision;
            try
            {
                _coordinator.Enqueue(command, pending);
                decision = await pending.Decided;
            }
            catch (LogUnavailableException e)
            {
                return new WriteOutcome.Unavailable($"The write could not be sequenced: {e.PublicReason}");
            }
            catch (WriteTimedOutException) when (!pending.IsSequenced)
            {
                return new WriteOutcome.Unavailable(
                    $"The write could not be sequenced: the coordinator did not answer within {_options.WriteTimeout.TotalSeconds:0.#} s.");
            }

            if (decision.Result is { } result) return new WriteOutcome.Applied(decision.Seq, result);
            // A retry of a write already in the log: answer with the result it had then.
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), pending.DeadlineTimestamp);
                deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                await _replica.Applied.WaitForAsync(decision.Seq, deadline.Token);
            }
            if (pending.TryGetAppliedHere(out var appliedHere)) return new WriteOutcome.Applied(appliedHere.Seq, appliedHere.Result);
            if (write.IdempotencyKey.Length > 0 && _replica.Machine.TryGetIdempotentReplay(write.IdempotencyKey, out var replay))
            {
                return new WriteOutcome.Applied(replay.Seq, replay.Result);
            }
            return new WriteOutcome.Unavailable($"The write was sequenced earlier at {decision.Seq}, but its result is no longer known.");
        }
        catch (Exception e) when (e is WriteTimedOutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new WriteOutcome.Unavailable(
                $"The write was not applied on this node within {_options.WriteTimeout.TotalSeconds:0.#} s; it may still take effect.");
        }
        finally
        {
            _pending.Forget(requestId);
        }
    }
}
