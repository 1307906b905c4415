using System.Diagnostics;
using System.Text;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using KvCluster.Log.InMemory;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// The node's append path through ServiceDefaults' resilience: an append whose answer is lost after the log took it is
/// retried, and the retry, carrying the same request id, is not appended a second time.
/// </summary>
public sealed class RetriedAppendTests
{
    [Fact]
    public async Task An_append_retried_after_its_answer_was_lost_is_in_the_log_once()
    {
        // The log's semantics (a request id seen before is answered, not appended) without a Redis: the in-memory log.
        var sequencer = new InMemoryReplicatedLog();

        // A coordinator that sequences every append it receives, but fails the first answer with 503: the write is in
        // the log and the node does not know it.
        var attempts = new RequestLog();
        await using var coordinator = await LoopbackServer.StartAsync(app => app.MapPost("/v1/append", async (HttpRequest request) =>
        {
            int attempt = await attempts.RecordAsync(request);
            var outcomes = await sequencer.AppendAsync([AppendWireFormat.DecodeRequest(attempts.Requests[attempt - 1].Body)]);
            return attempt == 1
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Bytes(AppendWireFormat.EncodeResponse(outcomes), AppendWireFormat.ContentType);
        }));

        using var node = CoordinatorClientHost.Build(coordinator.BaseAddress);
        await node.StartAsync();
        try
        {
            var command = new AppendCommand
            {
                Operation = LogOperation.Put,
                Key = "order/17",
                Value = Encoding.UTF8.GetBytes("paid"),
                ContentType = "text/plain",
                RequestId = "node-1-request-1",
                OriginNode = "node-1",
            };
            var waiter = new PendingWrite(Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency);
            node.Services.GetRequiredService<CoordinatorClient>().Enqueue(command, waiter);

            // The retry's answer: the log held this request already, at the number the first attempt got.
            var decision = await waiter.Decided.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(new WriteDecision(1, null), decision);
        }
        finally
        {
            await node.StopAsync();
        }

        Assert.Equal(2, attempts.Count);
        Assert.All(attempts.Requests, r => Assert.Equal("node-1-request-1", r.IdempotencyKey));
        Assert.Equal(attempts.Requests[0].Body, attempts.Requests[1].Body);
        var log = await sequencer.ReadAfterAsync(0, 100);
        var entry = Assert.Single(log);
        Assert.Equal("node-1-request-1", entry.RequestId);
    }
}
