using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Threading.Channels;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Http;
using KvCluster.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Replication;

/// <summary>
/// Sends writes to the coordinator ("http://coordinator", resolved by service discovery). Writes that arrive
/// while earlier ones are on the wire go together in the next request — group commit on the node's side —
/// so one HTTP round trip and one decode on the coordinator carry many writes.
/// </summary>
public sealed class CoordinatorClient : BackgroundService
{
    public const string HttpClientName = "coordinator";

    private readonly Channel<PendingCommand> _queue = Channel.CreateUnbounded<PendingCommand>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly IHttpClientFactory _httpClients;
    private readonly ReplicaState _replica;
    private readonly NodeOptions _options;

    public CoordinatorClient(IHttpClientFactory httpClients, ReplicaState replica, IOptions<NodeOptions> options)
    {
        _httpClients = httpClients;
        _replica = replica;
        _options = options.Value;
    }

    /// <summary>
    /// Queues <paramref name="command"/> for the next append request. The answer goes to <paramref name="waiter"/>
    /// only when it decides the write (the log held it already, or it could not be sequenced); an ordinary write is
    /// decided by this replica applying it.
    /// </summary>
    public void Enqueue(AppendCommand command, PendingWrite waiter)
    {
        var pending = new PendingCommand(command, waiter, Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(pending)) throw new LogUnavailableException("The node is stopping.");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var senders = new Task[Math.Max(1, _options.MaxConcurrentAppends)];
        for (int i = 0; i < senders.Length; i++) senders[i] = SendLoopAsync(stoppingToken);
        return Task.WhenAll(senders);
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingCommand>();
        // A write that would have taken its batch past the coordinator's request limit opens the next batch.
        PendingCommand? carried = null;
        try
        {
            while (carried is not null || await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                long bytes = AppendWireFormat.HeaderLength;
                if (carried is not null)
                {
                    batch.Add(carried);
                    bytes += AppendWireFormat.GetCommandLength(carried.Command);
                    carried = null;
                }
                while (batch.Count < _options.MaxCommandsPerAppend && _queue.Reader.TryRead(out var next))
                {
                    // A write past its deadline has been answered already ("may still take effect"): don't send it.
                    if (next.Abandoned) continue;
                    int length = AppendWireFormat.GetCommandLength(next.Command);
                    if (batch.Count > 0 && bytes + length > AppendWireFormat.MaxRequestBytes)
                    {
                        carried = next;
                        break;
                    }
                    batch.Add(next);
                    bytes += length;
                }
                if (batch.Count > 0) await SendAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            carried?.Waiter.Failed(new LogUnavailableException("The node is stopping."));
            while (_queue.Reader.TryRead(out var left)) left.Waiter.Failed(new LogUnavailableException("The node is stopping."));
        }
    }

    private async Task SendAsync(List<PendingCommand> batch, CancellationToken stoppingToken)
    {
        // The request continues the first write's trace (for a lone write: its own) and links the others.
        var links = batch.Count == 1 ? null : batch.Skip(1).Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)).ToList();
        using var activity = KvTelemetry.Source.StartActivity("kv.append.send", ActivityKind.Internal, batch[0].Trace, links: links);
        activity?.SetTag("kv.append.commands", batch.Count);

        var commands = new AppendCommand[batch.Count];
        for (int i = 0; i < commands.Length; i++) commands[i] = batch[i].Command;
        // The body comes from a pool (a batch of large values is a large-object-heap array otherwise) and goes back once
        // the coordinator has answered it, which it does after reading all of it. After a failure the handler may
        // still be sending from it, so it is left to the GC.
        int length = AppendWireFormat.GetRequestLength(commands);
        byte[] body = ArrayPool<byte>.Shared.Rent(length);
        AppendWireFormat.WriteRequest(commands, body);
        bool answered = false;
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/append")
        {
            Content = new ByteArrayContent(body, 0, length),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(AppendWireFormat.ContentType);
        // The sequencer remembers each batch by its first command's request id and answers a repeat with the numbers the
        // first got, so a repeated append is harmless; the header tells the resilience handler it may retry this POST.
        // A retry resends this same message, body and header included.
        message.Headers.Add(RequestIdempotency.IdempotencyKeyHeader, commands[0].RequestId);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(_options.WriteTimeout);
        try
        {
            var http = _httpClients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(message, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string detail = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                throw new LogUnavailableException($"The coordinator answered {(int)response.StatusCode}: {detail}", null,
                    publicReason: $"The coordinator answered {(int)response.StatusCode}.");
            }
            var outcomes = AppendWireFormat.DecodeResponse(await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false));
            answered = true;
            if (outcomes.Length != batch.Count) throw new LogUnavailableException("The coordinator's answer does not match the request.");
            long head = 0;
            for (int i = 0; i < outcomes.Length; i++)
            {
                var waiter = batch[i].Waiter;
                if (outcomes[i].Duplicate) waiter.SequencedEarlier(outcomes[i].Seq);
                else waiter.Sequenced();
                head = Math.Max(head, outcomes[i].Seq);
            }
            _replica.ObserveHead(head);
        }
        // Polly's rejections (an open circuit breaker, its timeout) and a bare socket error (seen when the coordinator
        // is killed mid-request) are the coordinator being unreachable too.
        catch (Exception e) when (e is HttpRequestException or LogUnavailableException or FormatException or Polly.ExecutionRejectedException
                                    or System.Net.Sockets.SocketException or IOException
                                    || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var failure = e as LogUnavailableException ?? new LogUnavailableException(e.Message, e, publicReason: "The coordinator could not be reached.");
            foreach (var pending in batch) pending.Waiter.Failed(failure);
        }
        finally
        {
            if (answered) ArrayPool<byte>.Shared.Return(body);
        }
    }

    private sealed class PendingCommand(AppendCommand command, PendingWrite waiter, ActivityContext trace)
    {
        public AppendCommand Command { get; } = command;
        public PendingWrite Waiter { get; } = waiter;
        public ActivityContext Trace { get; } = trace;
        public bool Abandoned => Waiter.IsDecided;
    }
}
