using System.Diagnostics;
using System.Net;
using KvCluster.AppHost.Local;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KvCluster.Tests.AppHost;

/// <summary>`dotnet run --project KvCluster.AppHost` as a user runs it: start, serve, stop on SIGTERM, leave nothing.</summary>
[Collection(AppHostProcesses.Collection)]
public sealed class AppHostExecutableTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Runs_a_cluster_until_SIGTERM_then_exits_0_leaving_no_process()
    {
        var stateDirectory = TestCluster.NewStateDirectory();
        int portBase = PortAllocator.FindFreeRange(3); // coordinator, node-1, and node-2 added at run time
        int redisPort = PortAllocator.FindFreeRange(1);
        var endpointsPath = Path.Combine(stateDirectory, "endpoints.json");
        try
        {
            using var apphost = AppHostProcess.Start(output,
                ["--nodes", "1", "--port-base", $"{portBase}", "--redis-port", $"{redisPort}", "--state-dir", stateDirectory]);

            await Eventually.TrueAsync(() => File.Exists(endpointsPath), StartTimeout, () => $"no endpoints.json; output:\n{apphost.Output}");
            var endpoints = await EndpointsFile.ReadAsync(endpointsPath);
            Assert.Equal($"127.0.0.1:{redisPort}", endpoints.Redis);
            Assert.Equal(new Uri($"http://127.0.0.1:{portBase}"), endpoints.Coordinator);
            var node = Assert.Single(endpoints.Nodes);
            Assert.Equal(new NodeEndpoint("node-1", new Uri($"http://127.0.0.1:{portBase + 1}")), node);
            using (var client = TestCluster.CreateClient(node.Url))
            using (var health = await client.GetAsync("/health"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }
            Assert.Contains("Press Ctrl+C to stop.", apphost.Output, StringComparison.Ordinal);
            var pids = apphost.TablePids();
            Assert.Equal(["coordinator", "node-1", "redis"], pids.Keys.Order());

            // Growing the running cluster: the new node joins by catching up from Redis.
            using (var client = TestCluster.CreateClient(node.Url))
            using (var put = await client.PutAsync("/v1/kv/written-before-the-join", new StringContent("here")))
            {
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }
            apphost.SendCommand("add-node");
            await Eventually.TrueAsync(() => apphost.Output.Contains("Added node-2", StringComparison.Ordinal), StartTimeout,
                () => $"add-node did not add node-2; output:\n{apphost.Output}");
            var grown = await EndpointsFile.ReadAsync(endpointsPath);
            Assert.Equal(["node-1", "node-2"], grown.Nodes.Select(n => n.Id));
            using (var joined = TestCluster.CreateClient(grown.Nodes[1].Url))
            {
                Assert.Equal("here", await joined.GetStringAsync("/v1/kv/written-before-the-join"));
            }
            apphost.SendCommand("status");
            await Eventually.TrueAsync(() => apphost.Output.Contains("node-2", StringComparison.Ordinal) && apphost.Output.Contains("restarts 0", StringComparison.Ordinal),
                StartTimeout, () => $"status printed nothing; output:\n{apphost.Output}");
            int addedPid = ProcessIdOf(apphost.Output, "node-2");

            Signals.Terminate(apphost.Id);

            Assert.Equal(0, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            await ProcessLiveness.AssertAllGoneAsync([.. pids.Values, addedPid], TimeSpan.FromSeconds(5));
            Assert.False(File.Exists(endpointsPath), "endpoints.json of a stopped cluster was left behind");
        }
        finally
        {
            if (Directory.Exists(stateDirectory)) Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_redis_server_left_behind_by_a_killed_AppHost_is_stopped_by_the_next_start()
    {
        var stateDirectory = TestCluster.NewStateDirectory();
        string[] arguments = ["--nodes", "1", "--port-base", $"{PortAllocator.FindFreeRange(2)}",
                              "--redis-port", $"{PortAllocator.FindFreeRange(1)}", "--state-dir", stateDirectory];
        var endpointsPath = Path.Combine(stateDirectory, "endpoints.json");
        var leftBehind = new List<int>();
        int staleRedis;
        try
        {
            using (var killed = AppHostProcess.Start(output, arguments))
            {
                await Eventually.TrueAsync(() => File.Exists(endpointsPath), StartTimeout, () => $"no endpoints.json; output:\n{killed.Output}");
                var pids = await killed.WaitForTablePidsAsync(StartTimeout);
                leftBehind.AddRange(pids.Values);
                staleRedis = pids["redis"];
                Process.GetProcessById(killed.Id).Kill(); // SIGKILL: no chance to stop its children
                await killed.WaitForExitAsync(TimeSpan.FromSeconds(10));
                // The services stop themselves once their supervisor is gone (Kv__SupervisorPid); stand in for that here.
                foreach (var service in new[] { "coordinator", "node-1" }) KillIfAlive(pids[service]);
                Assert.True(ProcessLiveness.IsAlive(staleRedis), "redis-server should have outlived the killed AppHost");
                File.Delete(endpointsPath);
            }

            using var next = AppHostProcess.Start(output, arguments);
            await Eventually.TrueAsync(() => File.Exists(endpointsPath), StartTimeout, () => $"no endpoints.json; output:\n{next.Output}");
            await ProcessLiveness.AssertAllGoneAsync([staleRedis], TimeSpan.FromSeconds(1));
            leftBehind.AddRange((await next.WaitForTablePidsAsync(StartTimeout)).Values);

            Signals.Terminate(next.Id);
            Assert.Equal(0, await next.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            foreach (var pid in leftBehind) KillIfAlive(pid);
            if (Directory.Exists(stateDirectory)) Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Without_redis_server_it_exits_non_zero_and_says_how_to_install_it()
    {
        var pathWithoutRedis = Directory.CreateTempSubdirectory("kvcluster-no-redis-");
        var stateDirectory = TestCluster.NewStateDirectory();
        try
        {
            using var apphost = AppHostProcess.Start(output,
                ["--nodes", "1", "--port-base", $"{PortAllocator.FindFreeRange(2)}", "--redis-port", $"{PortAllocator.FindFreeRange(1)}",
                 "--state-dir", stateDirectory],
                new Dictionary<string, string> { ["PATH"] = pathWithoutRedis.FullName });

            Assert.NotEqual(0, await apphost.WaitForExitAsync(StartTimeout));
            Assert.Contains("redis-server was not found", apphost.Output, StringComparison.Ordinal);
            Assert.Contains("apt-get install -y redis-server", apphost.Output, StringComparison.Ordinal);
        }
        finally
        {
            pathWithoutRedis.Delete(recursive: true);
            if (Directory.Exists(stateDirectory)) Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_option_value_exits_non_zero_with_the_reason()
    {
        using var apphost = AppHostProcess.Start(output, ["--nodes", "0", "--fsync", "sometimes"]);

        Assert.NotEqual(0, await apphost.WaitForExitAsync(StartTimeout));
        Assert.Contains("--nodes must be at least 1", apphost.Output, StringComparison.Ordinal);
        Assert.Contains("sometimes", apphost.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting", apphost.Output, StringComparison.Ordinal);
    }

    private static void KillIfAlive(int pid)
    {
        if (ProcessLiveness.IsAlive(pid)) Signals.Kill(pid);
    }

    private static int ProcessIdOf(string output, string node)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, $@"Added {node} at \S+ \(pid (\d+)\)");
        Assert.True(match.Success, $"no pid for {node} in: {output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
