using System.Diagnostics;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// A 503 tells the client which part is unavailable, not the failure's detail: StackExchange.Redis's messages name
/// hosts, ports and connection state, and the coordinator's own error answer is internal. The logs keep both.
/// </summary>
public sealed class UnavailableReasonTests
{
    [Fact]
    public void A_Redis_failure_keeps_its_detail_for_the_logs_and_gives_clients_none()
    {
        // What the library throws, built by hand: its simplest constructor is marked obsolete in favour of internal detail.
#pragma warning disable CS0618
        var failure = RedisFailures.Unavailable(new RedisServerException(
            "LOADING Redis is loading the dataset in memory (server: 10.1.2.3:6390, clientName: node-1)"));
#pragma warning restore CS0618

        Assert.Contains("10.1.2.3:6390", failure.Message);
        Assert.Equal("Redis is unreachable or refused the call.", failure.PublicReason);
    }

    [Fact]
    public async Task The_coordinators_error_answer_is_not_passed_on_to_clients()
    {
        await using var coordinator = await LoopbackServer.StartAsync(app => app.MapPost("/v1/append", () =>
            Results.Problem(title: "Malformed append request", detail: "internal-detail-4711", statusCode: StatusCodes.Status400BadRequest)));
        using var node = CoordinatorClientHost.Build(coordinator.BaseAddress);
        await node.StartAsync();
        try
        {
            var waiter = new PendingWrite(Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency);
            node.Services.GetRequiredService<CoordinatorClient>().Enqueue(
                new AppendCommand { Operation = LogOperation.Put, Key = "k", RequestId = "r1" }, waiter);

            var failure = await Assert.ThrowsAsync<LogUnavailableException>(() => waiter.Decided.WaitAsync(TimeSpan.FromSeconds(20)));

            Assert.Contains("internal-detail-4711", failure.Message);
            Assert.Equal("The coordinator answered 400.", failure.PublicReason);
        }
        finally
        {
            await node.StopAsync();
        }
    }
}
