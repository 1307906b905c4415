using System.Net;
using StackExchange.Redis;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>
/// The log can go backwards under a node (Redis emptied, or restarted without its last writes). A node must
/// notice, stop answering consistently from a history the log no longer has, and rebuild from Redis.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LogDivergenceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Nodes_rebuild_when_Redis_loses_the_log_under_them()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2);
        for (int i = 0; i < 20; i++)
        {
            using var put = await PutAsync(cluster.NodeClients[i % 2], $"old/{i}", "from the lost history");
            Assert.True(put.IsSuccessStatusCode);
        }

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString + ",allowAdmin=true"))
        {
            await redis.GetServers()[0].FlushAllDatabasesAsync();
        }

        // The next write lands at seq 1 of a new history; both nodes must end up with exactly that history.
        await Eventually.TrueAsync(async () =>
        {
            using var put = await PutAsync(cluster.NodeClients[0], "new", "after the loss");
            return put.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), () => "writes were not accepted again after the log was lost");

        long head = await HeadAsync(cluster.NodeClients[0]);
        await Eventually.TrueAsync(async () =>
        {
            var views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            return views.All(v => v.Applied == head && v.Keys == 1);
        }, TimeSpan.FromSeconds(20), () => "nodes did not rebuild to the new history");

        foreach (var client in cluster.NodeClients)
        {
            Assert.Equal("after the loss", await GetValueAsync(client, "new"));
            Assert.Null(await GetValueAsync(client, "old/3"));
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }
}
