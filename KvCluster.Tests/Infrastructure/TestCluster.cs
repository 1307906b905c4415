using System.Diagnostics;
using KvCluster.AppHost.Local;
using Xunit.Abstractions;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A real cluster (redis-server, coordinator, nodes) for one test, on free ports with state in a temporary
/// directory that is deleted afterwards. Every line the processes print goes to the test's output (shown when
/// it fails). <c>await using var cluster = await TestCluster.StartAsync(output);</c>
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly List<HttpClient> _nodeClients = [];

    private TestCluster(LocalCluster cluster)
    {
        Cluster = cluster;
        CoordinatorClient = CreateClient(cluster.Coordinator.Url);
        foreach (var node in cluster.Nodes) _nodeClients.Add(CreateClient(node.Url));
    }

    public LocalCluster Cluster { get; }

    public string StateDirectory => Cluster.StateDirectory;

    public string RedisConnectionString => Cluster.RedisConnectionString;

    public ChildService Coordinator => Cluster.Coordinator;

    public IReadOnlyList<ChildService> Nodes => Cluster.Nodes;

    /// <summary>One client per node, in node order; BaseAddress is the node's URL, Timeout 10 s.</summary>
    public IReadOnlyList<HttpClient> NodeClients => _nodeClients;

    public HttpClient CoordinatorClient { get; }

    public static Task<TestCluster> StartAsync(ITestOutputHelper output, int nodes = 3, IReadOnlyDictionary<string, string>? env = null) =>
        StartAsync(output, nodes, options => env is null ? options : options with { Environment = env });

    /// <summary>Starts a cluster with options adjusted by <paramref name="configure"/> (ports and state directory are already chosen).</summary>
    public static async Task<TestCluster> StartAsync(ITestOutputHelper output, int nodes, Func<ClusterOptions, ClusterOptions> configure)
    {
        var options = configure(CreateOptions(output, nodes));
        try
        {
            return new TestCluster(await LocalCluster.StartAsync(options).ConfigureAwait(false));
        }
        catch
        {
            DeleteStateDirectory(options.StateDirectory);
            throw;
        }
    }

    /// <summary>Test options with free ports, a new temporary state directory and output to <paramref name="output"/>.</summary>
    public static ClusterOptions CreateOptions(ITestOutputHelper output, int nodes = 3)
    {
        var clock = Stopwatch.StartNew();
        return ClusterOptions.ForTest(NewStateDirectory(), nodes) with
        {
            Output = line => WriteLine(output, $"{clock.Elapsed.TotalSeconds,7:0.000}s {line}"),
        };
    }

    public static string NewStateDirectory() =>
        Path.Combine(Path.GetTempPath(), "kvcluster-tests", Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The client for <paramref name="node"/> (BaseAddress = its URL).</summary>
    public HttpClient ClientFor(ChildService node) =>
        node == Coordinator ? CoordinatorClient : _nodeClients[Nodes.ToList().IndexOf(node)];

    /// <summary>Starts one more node and gives it a client.</summary>
    public async Task<ChildService> AddNodeAsync(CancellationToken cancellationToken = default)
    {
        var node = await Cluster.AddNodeAsync(cancellationToken).ConfigureAwait(false);
        _nodeClients.Add(CreateClient(node.Url));
        return node;
    }

    /// <summary>Fails if any service logged an error ("fail:"/"crit:") or crashed, quoting those lines.</summary>
    public void AssertNoErrorsLogged()
    {
        var errors = ((ChildService[])[Coordinator, .. Nodes])
            .SelectMany(child => child.RecentOutput.Where(IsError).Select(line => $"[{child.Name}] {line}"))
            .ToArray();
        Assert.True(errors.Length == 0, "Services logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static bool IsError(string line) =>
        line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal) ||
        line.StartsWith("Unhandled exception.", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _nodeClients) client.Dispose();
        CoordinatorClient.Dispose();
        await Cluster.DisposeAsync().ConfigureAwait(false);
        DeleteStateDirectory(Cluster.StateDirectory);
    }

    /// <summary>A client for a loopback service: no proxy from the environment, 10 s timeout.</summary>
    public static HttpClient CreateClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = RequestTimeout };

    private static void WriteLine(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late lines from stopping processes have nowhere to go.
        }
    }

    private static void DeleteStateDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed by a process that just exited; the temp directory is cleaned eventually.
        }
    }
}
