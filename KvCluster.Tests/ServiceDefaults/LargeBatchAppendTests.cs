using System.Diagnostics;
using KvCluster.Log.Entries;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

using KvCluster.Tests.Security;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// Writes queued faster than they are sent go in batches no larger than the coordinator takes: 256 writes of 1 MiB
/// made one 256 MiB request, which the coordinator refuses (64 MiB at most), failing every write in it.
/// </summary>
public sealed class LargeBatchAppendTests
{
    [Fact]
    public async Task Queued_large_writes_are_sent_in_requests_within_the_coordinators_limit()
    {
        var sizes = new List<long>();
        long seq = 0;
        await using var coordinator = await LoopbackServer.StartAsync(app => app.MapPost("/v1/append", async (HttpRequest request) =>
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (sizes) sizes.Add(body.Length);
            if (body.Length > AppendWireFormat.MaxRequestBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            var commands = AppendWireFormat.DecodeRequest(body.ToArray());
            var outcomes = commands.Select(_ => new AppendOutcome(Interlocked.Increment(ref seq), Duplicate: true)).ToArray();
            return Results.Bytes(AppendWireFormat.EncodeResponse(outcomes), AppendWireFormat.ContentType);
        }).WithRequestBodyLimit(long.MaxValue));

        using var node = CoordinatorClientHost.Build(coordinator.BaseAddress, new Dictionary<string, string?> { ["Kv:MaxConcurrentAppends"] = "1" });
        var client = node.Services.GetRequiredService<CoordinatorClient>();
        // Queued before the client starts sending, so they are there to be batched together.
        var value = new byte[1024 * 1024];
        var waiters = Enumerable.Range(0, 100).Select(i =>
        {
            var waiter = new PendingWrite(Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency);
            client.Enqueue(new AppendCommand { Operation = LogOperation.Put, Key = $"k{i}", Value = value, RequestId = $"r{i}" }, waiter);
            return waiter;
        }).ToArray();
        await node.StartAsync();
        try
        {
            // A duplicate outcome decides a write at once (no replica applies it here).
            await Task.WhenAll(waiters.Select(w => w.Decided)).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await node.StopAsync();
        }

        Assert.All(sizes, size => Assert.InRange(size, 1, AppendWireFormat.MaxRequestBytes));
        Assert.Equal(100, seq);
    }
}
