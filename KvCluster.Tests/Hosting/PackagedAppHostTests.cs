using System.Net;
using System.Text;
using System.Text.Json;
using KvCluster.Bench.Ports;
using KvCluster.Tests.AppHost;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;

namespace KvCluster.Tests.Hosting;

/// <summary>
/// <c>AddKvCluster("kv")</c> in an AppHost that has the KvCluster.Hosting package and nothing else of KvCluster
/// (<see cref="PackagedAppHost"/>): the cluster runs from the package's own coordinator and node builds, keeps a crashed
/// node running, stops whole, and a manifest builds the services from the Dockerfiles the package carries.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PackagedAppHostTests(PackagedAppHost apphost) : IClassFixture<PackagedAppHost>, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string _stateDirectory = ClusterOptions.ForTest().StateDirectory;
    private readonly string _manifestDirectory = Path.Combine(Path.GetTempPath(), "kvcluster-manifest-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_cluster_runs_from_the_package_keeps_a_killed_node_running_and_stops_whole()
    {
        int portBase = PortAllocator.FindFreeRange(4);
        int redisPort = PortAllocator.FindFreeRange(1);
        int[] dashboardPorts = [PortAllocator.FindFreeRange(1), PortAllocator.FindFreeRange(1), PortAllocator.FindFreeRange(1)];
        int[] ports = [portBase, portBase + 1, portBase + 2, portBase + 3, redisPort, .. dashboardPorts];
        using var process = AppHostProcess.Start(apphost.AssemblyPath,
            ["--Kv:PortBase", $"{portBase}", "--Kv:RedisPort", $"{redisPort}", "--Kv:StateDir", _stateDirectory, "--Kv:RedisMode", "Executable"],
            // What the launch profile of an Aspire template gives `dotnet run`: the dashboard over plain HTTP.
            environment: new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboardPorts[0]}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{dashboardPorts[1]}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{dashboardPorts[2]}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["DOTNET_ENVIRONMENT"] = "Development",
            });
        var endpoints = await process.WaitForEndpointsAsync(_stateDirectory, nodes: 3, StartTimeout);

        // Every node is the package's build, run from the package's folder.
        var nodeProcesses = NodeProcesses();
        Assert.Equal(3, nodeProcesses.Count);
        Assert.All(nodeProcesses, pid => Assert.Equal(Path.Combine(apphost.PackageFolder, "services", "node"), WorkingDirectory(pid)));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var nodes = endpoints.Nodes.Select(node => node.Url).ToArray();
        // endpoints.json lists a node once its process runs; it serves once healthy.
        await Eventually.TrueAsync(async () => (await Task.WhenAll(nodes.Select(node => ReadAsync(http, new Uri(node, "/health"))))).All(body => body is not null),
            StartTimeout, () => $"the nodes did not become healthy:{Environment.NewLine}{process.Output}");
        using (var put = await http.PutAsync(new Uri(nodes[0], "/v1/kv/greeting"), new StringContent("hello", Encoding.UTF8, "text/plain")))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("hello", await http.GetStringAsync(new Uri(nodes[2], "/v1/kv/greeting")));

        // A node killed is started again by the cluster, and catches up.
        int killed = nodeProcesses.Single(pid => Environ(pid).Contains("Kv__NodeId=node-2", StringComparison.Ordinal));
        Signals.Kill(killed);
        await Eventually.TrueAsync(() => NodeProcesses().Count == 3 && !NodeProcesses().Contains(killed), StartTimeout,
            () => $"node-2 was not started again:{Environment.NewLine}{process.Output}");
        await Eventually.TrueAsync(async () => await ReadAsync(http, new Uri(nodes[1], "/v1/kv/greeting")) == "hello", StartTimeout,
            () => "node-2 did not serve the write after its restart");

        Signals.InterruptGroup(process.Id);
        Assert.NotNull(await process.WaitForExitAsync(StopTimeout));
        await ClusterLeftovers.AssertNoneAsync(_stateDirectory, ports, StopTimeout);
    }

    [Fact]
    public async Task A_manifest_builds_the_coordinator_and_nodes_from_the_Dockerfiles_in_the_package()
    {
        string manifest = Path.Combine(_manifestDirectory, "aspire-manifest.json");
        using (var process = AppHostProcess.Start(apphost.AssemblyPath, ["--publisher", "manifest", "--output-path", manifest, "--Kv:Nodes", "2"]))
            Assert.True(await process.WaitForExitAsync(StopTimeout) == 0, process.Output);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        var resources = document.RootElement.GetProperty("resources");

        foreach (var (name, folder) in new[] { ("coordinator", "coordinator"), ("node1", "node"), ("node2", "node") })
        {
            var service = resources.GetProperty(name);
            // A container azd builds (docker build) and pushes, rather than pulls.
            Assert.Equal("container.v1", service.GetProperty("type").GetString());
            string built = Path.Combine(apphost.PackageFolder, "services", folder);
            var build = service.GetProperty("build");
            Assert.Equal(Path.Combine(built, "Dockerfile"), Path.GetFullPath(build.GetProperty("dockerfile").GetString()!, _manifestDirectory));
            Assert.Equal(built, Path.GetFullPath(build.GetProperty("context").GetString()!, _manifestDirectory).TrimEnd('/'));
            var http = service.GetProperty("bindings").GetProperty("http");
            Assert.Equal(8080, http.GetProperty("targetPort").GetInt32());
            Assert.Equal(name != "coordinator", http.TryGetProperty("external", out var external) && external.GetBoolean());
            Assert.Equal($"{{{name}.bindings.http.targetPort}}", service.GetProperty("env").GetProperty("ASPNETCORE_HTTP_PORTS").GetString());
        }
        Assert.Equal("node-2", resources.GetProperty("node2").GetProperty("env").GetProperty("Kv__NodeId").GetString());
        Assert.False(resources.TryGetProperty("node3", out _));
        Assert.Equal("Endpoints={node1.bindings.http.url},{node2.bindings.http.url};Token={kv-client-token.value}",
            resources.GetProperty("kv").GetProperty("connectionString").GetString());
    }

    public void Dispose()
    {
        foreach (string folder in new[] { _stateDirectory, _manifestDirectory })
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    // The package's node processes of this test's cluster: `dotnet KvCluster.Node.dll` with this state directory.
    private IReadOnlyList<int> NodeProcesses() =>
        [.. ClusterLeftovers.ProcessesUsing(_stateDirectory).Where(pid => CommandLine(pid).Contains("KvCluster.Node.dll", StringComparison.Ordinal))];

    private static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline");

    private static string Environ(int pid) => Read($"/proc/{pid}/environ").Replace('\0', '\n');

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static async Task<string?> ReadAsync(HttpClient http, Uri url)
    {
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
