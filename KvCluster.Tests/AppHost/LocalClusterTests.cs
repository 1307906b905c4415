using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KvCluster.AppHost.Local;
using KvCluster.RedisLog.Client;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KvCluster.Tests.AppHost;

/// <summary>LocalCluster with the real redis-server, coordinator and node binaries.</summary>
[Collection(AppHostProcesses.Collection)]
public sealed class LocalClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_three_node_cluster_starts_healthy_and_writes_its_endpoints()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3);

        foreach (var client in (HttpClient[])[cluster.CoordinatorClient, .. cluster.NodeClients])
        {
            using var response = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var endpoints = await EndpointsFile.ReadAsync(Path.Combine(cluster.StateDirectory, "endpoints.json"));
        Assert.Equal(cluster.RedisConnectionString, endpoints.Redis);
        Assert.Equal(cluster.Coordinator.Url, endpoints.Coordinator);
        Assert.Equal(["node-1", "node-2", "node-3"], endpoints.Nodes.Select(node => node.Id));
        Assert.Equal(cluster.Nodes.Select(node => node.Url), endpoints.Nodes.Select(node => node.Url));
        Assert.Equal(3, endpoints.Nodes.Select(node => node.Url.Port).Distinct().Count());
        Assert.All(cluster.Nodes, node => Assert.True(Directory.Exists(node.DataDirectory), node.DataDirectory));

        // The private Redis keeps the log in an AOF, fsynced as asked, rewritten only after it has grown fourfold,
        // without compressing the rewritten base.
        await using var redis = await RedisClient.ConnectAsync(cluster.RedisConnectionString);
        Assert.Equal("yes", await ConfigAsync(redis, "appendonly"));
        Assert.Equal("everysec", await ConfigAsync(redis, "appendfsync"));
        Assert.Equal("400", await ConfigAsync(redis, "auto-aof-rewrite-percentage"));
        Assert.Equal("no", await ConfigAsync(redis, "rdbcompression"));
        cluster.AssertNoErrorsLogged();
    }

    private static async Task<string?> ConfigAsync(RedisClient redis, string parameter) =>
        (await redis.ExecuteAsync(new RedisCommand("CONFIG", 2).Add("GET").Add(parameter), CancellationToken.None)).Items[1].AsString();

    [Fact]
    public async Task A_child_killed_from_outside_is_restarted_and_ready_again()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1);
        var node = cluster.Nodes[0];
        int originalPid = node.ProcessId!.Value;

        Process.GetProcessById(originalPid).Kill(); // SIGKILL, not through ChildService

        await Eventually.TrueAsync(() => node.RestartCount == 1 && node.ProcessId is int pid && pid != originalPid, Recovery,
            () => $"restarts: {node.RestartCount}, pid: {node.ProcessId}");
        await node.WaitReadyAsync(Recovery);
        using var response = await cluster.NodeClients[0].GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(node.RecentOutput, line => line.Contains("restarting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_child_killed_through_the_api_stays_down_until_started_again()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1);
        var node = cluster.Nodes[0];

        node.Kill();

        Assert.False(node.IsRunning);
        // The supervisor would restart a crash after 0.5 s; watch well past that.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.False(node.IsRunning, "the supervisor restarted a child killed on purpose");
            await Task.Delay(100);
        }
        Assert.Equal(0, node.RestartCount);
        await Assert.ThrowsAsync<ChildNotReadyException>(() => node.WaitReadyAsync(TimeSpan.FromSeconds(5)));

        await node.StartAsync();

        using var response = await cluster.NodeClients[0].GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_paused_child_answers_nothing_until_resumed()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1);
        var node = cluster.Nodes[0];
        using var impatient = TestCluster.CreateClient(node.Url);
        impatient.Timeout = TimeSpan.FromSeconds(1);

        node.Pause();
        try
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync("/health"));
            Assert.True(node.IsRunning);
        }
        finally
        {
            node.Resume();
        }

        await node.WaitReadyAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_added_node_takes_the_next_port_and_joins_the_endpoints_file()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1);

        var added = await cluster.AddNodeAsync();

        Assert.Equal("node-2", added.Name);
        Assert.Equal(cluster.Nodes[0].Url.Port + 1, added.Url.Port);
        using var response = await cluster.NodeClients[1].GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var endpoints = await EndpointsFile.ReadAsync(cluster.Cluster.EndpointsFilePath);
        Assert.Equal(["node-1", "node-2"], endpoints.Nodes.Select(node => node.Id));
    }

    [Fact]
    public async Task Disposing_leaves_no_process_behind()
    {
        var cluster = await TestCluster.StartAsync(output, nodes: 2);
        int?[] possiblePids = [cluster.Cluster.Redis!.ProcessId, cluster.Coordinator.ProcessId, .. cluster.Nodes.Select(node => node.ProcessId)];
        var pids = possiblePids.Select(pid => pid!.Value).ToArray();
        Assert.All(pids, pid => Assert.True(ProcessLiveness.IsAlive(pid)));

        await cluster.DisposeAsync();

        await ProcessLiveness.AssertAllGoneAsync(pids, TimeSpan.FromSeconds(5));
        Assert.False(File.Exists(cluster.Cluster.EndpointsFilePath), "endpoints.json of a stopped cluster was left behind");
        await cluster.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Fresh_wipes_the_state_directory_and_only_it()
    {
        var options = TestCluster.CreateOptions(output, nodes: 1) with { Fresh = true };
        var stale = Path.Combine(options.StateDirectory, "node-1", "stale-snapshot");
        var neighbour = options.StateDirectory + "-neighbour";
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        await File.WriteAllTextAsync(stale, "old state");
        Directory.CreateDirectory(neighbour);
        try
        {
            await using (await LocalCluster.StartAsync(options))
            {
                Assert.False(File.Exists(stale), "--fresh kept the old state");
                Assert.True(Directory.Exists(neighbour));
            }
        }
        finally
        {
            Directory.Delete(neighbour);
            Directory.Delete(options.StateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_child_that_cannot_bind_its_port_fails_the_start_at_once_with_its_output()
    {
        var options = TestCluster.CreateOptions(output, nodes: 2) with { ReadyTimeout = TimeSpan.FromSeconds(60) };
        int takenPort = options.PortBase + 2;
        using var squatter = new TcpListener(IPAddress.Loopback, takenPort);
        squatter.Start();
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ChildNotReadyException>(() => LocalCluster.StartAsync(options));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed} to report a child that exited");
        Assert.Equal("node-2", failure.ChildName);
        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains(takenPort.ToString(), failure.Message, StringComparison.Ordinal); // Kestrel's bind error, from the child's output
        // Everything that did start was stopped: its ports are free again.
        await Eventually.TrueAsync(() => PortAllocator.IsFree(options.PortBase) && PortAllocator.IsFree(options.PortBase + 1) &&
                                         PortAllocator.IsFree(options.RedisPort),
            TimeSpan.FromSeconds(10), () => "the coordinator, node-1 or redis still holds its port");
        Directory.Delete(options.StateDirectory, recursive: true);
    }

    [Fact]
    public async Task A_child_that_never_becomes_ready_fails_within_the_ready_timeout()
    {
        var options = TestCluster.CreateOptions(output, nodes: 1) with
        {
            ReadyTimeout = TimeSpan.FromSeconds(5),
            // The children listen on ports of the kernel's choosing, so /health never answers where it is probed.
            Environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" },
        };
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ChildNotReadyException>(() => LocalCluster.StartAsync(options));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed} with a 5 s ready timeout");
        Assert.Contains("did not answer 200 within 5 s", failure.Message, StringComparison.Ordinal);
        // Coordinator and node are probed side by side: the one whose deadline passes first is named, or both.
        Assert.Matches("^(coordinator|node-1)(, (coordinator|node-1))?$", failure.ChildName);
        Assert.Matches(@"Its last [1-9]\d* lines of output", failure.Message);
        await Eventually.TrueAsync(() => PortAllocator.IsFree(options.RedisPort), TimeSpan.FromSeconds(10), () => "redis-server was left running");
        Directory.Delete(options.StateDirectory, recursive: true);
    }

    [Fact]
    public async Task Missing_binaries_are_reported_before_anything_starts()
    {
        var options = TestCluster.CreateOptions(output, nodes: 1) with { BinariesRoot = Path.Combine(Path.GetTempPath(), "no-kvcluster-here") };

        var failure = await Assert.ThrowsAsync<FileNotFoundException>(() => LocalCluster.StartAsync(options));

        Assert.Contains("KvCluster.Node", failure.Message, StringComparison.Ordinal);
        Assert.True(PortAllocator.IsFree(options.RedisPort), "redis-server was started although the cluster could not be");
        Assert.False(Directory.Exists(options.StateDirectory), "the state directory was touched although nothing could start");
    }
}
