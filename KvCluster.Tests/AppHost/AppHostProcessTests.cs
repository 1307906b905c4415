using KvCluster.Bench.Ports;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;

namespace KvCluster.Tests.AppHost;

/// <summary>
/// The AppHost run as a user runs it: a cluster comes up, and however the AppHost is stopped — SIGTERM, SIGINT to its
/// process group from a script, kill -9 — nothing of the cluster is left running or listening.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AppHostProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string _stateDirectory = ClusterOptions.ForTest().StateDirectory;
    private readonly int _portBase = PortAllocator.FindFreeRange(3);
    private readonly int _redisPort = PortAllocator.FindFreeRange(1);

    private int[] Ports => [_portBase, _portBase + 1, _portBase + 2, _redisPort];

    private string[] Arguments =>
        ["--nodes", "2", "--port-base", $"{_portBase}", "--redis-port", $"{_redisPort}", "--state-dir", _stateDirectory,
         "--redis-mode", "executable", "--no-dashboard"];

    [Fact]
    public async Task SIGTERM_stops_every_service_and_the_AppHost_exits_0()
    {
        using var apphost = AppHostProcess.Start(Arguments);
        var endpoints = await apphost.WaitForEndpointsAsync(_stateDirectory, nodes: 2, StartTimeout);
        Assert.Equal(new Uri($"http://127.0.0.1:{_portBase}"), endpoints.Coordinator);
        Assert.Equal(["node-1", "node-2"], endpoints.Nodes.Select(node => node.Id));
        Assert.StartsWith($"127.0.0.1:{_redisPort},password=", endpoints.Redis);
        Assert.NotEmpty(ClusterLeftovers.ProcessesUsing(_stateDirectory));

        Signals.Terminate(apphost.Id);

        Assert.Equal(0, await apphost.WaitForExitAsync(StopTimeout));
        await ClusterLeftovers.AssertNoneAsync(_stateDirectory, Ports, StopTimeout);
        Assert.False(File.Exists(Path.Combine(_stateDirectory, "endpoints.json")), "a stale endpoints.json was left");
    }

    [Fact]
    public async Task SIGINT_to_the_process_group_of_a_background_job_stops_everything()
    {
        using var apphost = AppHostProcess.Start(Arguments, interruptIgnored: true);
        await apphost.WaitForEndpointsAsync(_stateDirectory, nodes: 2, StartTimeout);

        Signals.InterruptGroup(apphost.Id);

        Assert.NotNull(await apphost.WaitForExitAsync(StopTimeout));
        await ClusterLeftovers.AssertNoneAsync(_stateDirectory, Ports, StopTimeout);
    }

    [Fact]
    public async Task When_the_AppHost_is_killed_DCP_stops_every_service()
    {
        using var apphost = AppHostProcess.Start(Arguments);
        await apphost.WaitForEndpointsAsync(_stateDirectory, nodes: 2, StartTimeout);

        Signals.Kill(apphost.Id);

        await ClusterLeftovers.AssertNoneAsync(_stateDirectory, Ports, StopTimeout);
    }

    [Fact]
    public async Task A_port_in_use_is_named_before_anything_starts()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, _portBase + 2);
        taken.Start();
        using var apphost = AppHostProcess.Start(Arguments);

        Assert.Equal(1, await apphost.WaitForExitAsync(StopTimeout));
        Assert.Contains($"Port {_portBase + 2} (for node2) is already in use", apphost.Output);
        Assert.Empty(ClusterLeftovers.ProcessesUsing(_stateDirectory));
    }

    [Fact]
    public async Task A_wrong_flag_exits_2_with_the_reason()
    {
        using var apphost = AppHostProcess.Start(["--nodes", "0"]);

        Assert.Equal(2, await apphost.WaitForExitAsync(StopTimeout));
        Assert.Contains("--nodes must be at least 1 (got 0).", apphost.Output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
    }
}
