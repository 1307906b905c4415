using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.AppHost;

/// <summary>
/// The AppHost supervises the cluster: what exits unasked is started again; what an operator stops from the dashboard
/// stays stopped until started; a spare node started from the dashboard joins.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SupervisionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_and_redis_server_killed_from_outside_are_started_again_and_writes_resume()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2);
        var node = cluster.Nodes[1];
        int nodePid = node.ProcessId!.Value;
        int redisPid = cluster.Redis!.ProcessId!.Value;

        Signals.Kill(nodePid); // not through ClusterService.Kill, which asks the AppHost to leave it down
        Signals.Kill(redisPid);

        await Eventually.TrueAsync(() => node.ProcessId is int pid && pid != nodePid && cluster.Redis.ProcessId is int redis && redis != redisPid,
            Timeout, () => "the node or redis-server was not started again");
        await node.WaitReadyAsync(Timeout);
        Assert.True(node.RestartCount >= 1);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await cluster.NodeClients[1].PutAsync("/v1/kv/after-restart", new StringContent("v"));
            return response.IsSuccessStatusCode;
        }, Timeout, () => "writes did not resume on the restarted node");
    }

    [Fact]
    public async Task A_node_stopped_from_the_dashboard_stays_stopped_and_a_spare_node_started_there_joins()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2);
        var node = cluster.Nodes[1];
        Assert.Equal(["node-1", "node-2"], (await EndpointsFile.ReadAsync(cluster.EndpointsFilePath)).Nodes.Select(n => n.Id));
        // The cluster's resource (AddKvCluster's "kv") is Running once its nodes are healthy, and lists them, not the spare.
        await cluster.App.ResourceNotifications.WaitForResourceAsync("kv", KnownResourceStates.Running).WaitAsync(Timeout);
        IResourceWithConnectionString kv = cluster.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<KvClusterResource>().Single();
        Assert.Equal("Endpoints=" + string.Join(",", cluster.Nodes.Select(n => n.Url.GetLeftPart(UriPartial.Authority))),
            await kv.GetConnectionStringAsync());

        var stop = await cluster.App.ResourceCommands.ExecuteCommandAsync(node.ResourceName, KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        await Eventually.TrueAsync(() => !node.IsRunning, Timeout, () => "the node did not stop");
        await Task.Delay(TimeSpan.FromSeconds(3)); // longer than the first restart delay: it must not come back
        Assert.False(node.IsRunning, "a node stopped from the dashboard was started again");
        Assert.Equal(0, node.RestartCount);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => cluster.NodeClients[1].GetAsync("/health"));

        var spare = await cluster.AddNodeAsync();
        Assert.Equal("node-3", spare.Name);
        await Eventually.TrueAsync(async () =>
                (await EndpointsFile.ReadAsync(cluster.EndpointsFilePath)).Nodes.Select(n => n.Id).SequenceEqual(["node-1", "node-3"]),
            Timeout, () => "endpoints.json does not list the running nodes");

        var start = await cluster.App.ResourceCommands.ExecuteCommandAsync(node.ResourceName, KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        await node.WaitReadyAsync(Timeout);
        using var read = await cluster.NodeClients[1].GetAsync("/v1/kv/none");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_commands_snapshot_a_node_and_show_its_state_digest()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1);
        using (var put = await cluster.NodeClients[0].PutAsync("/v1/kv/k", new StringContent("v"))) put.EnsureSuccessStatusCode();
        var node = cluster.Nodes[0];

        var snapshot = await cluster.App.ResourceCommands.ExecuteCommandAsync(node.ResourceName, NodeCommands.SnapshotNow);
        Assert.True(snapshot.Success, snapshot.Message);
        Assert.Contains("\"seq\":1", snapshot.Data?.Value);
        Assert.True(File.Exists(Path.Combine(node.DataDirectory, "snapshots", "snapshot.kvsnap")), "no snapshot file was written");

        var digest = await cluster.App.ResourceCommands.ExecuteCommandAsync(node.ResourceName, NodeCommands.StateDigest);
        Assert.True(digest.Success, digest.Message);
        Assert.Matches("\"applied\":1,.*\"digest\":\"[0-9a-f]+\"", digest.Data?.Value);
    }
}
