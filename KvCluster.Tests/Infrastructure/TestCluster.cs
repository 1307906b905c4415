using System.Diagnostics;
using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging;
using KvCluster.Hosting;
using Xunit.Abstractions;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A real cluster started the way users start one: the KvCluster AppHost through Aspire.Hosting.Testing, with
/// redis-server, the coordinator and the nodes as its resources on free loopback ports and state in a temporary
/// directory deleted afterwards. Every line the services print goes to the test's output (shown when it fails).
/// <c>await using var cluster = await TestCluster.StartAsync(output);</c>
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly DistributedApplication _app;
    private readonly List<ClusterService> _allNodes;
    private readonly List<HttpClient> _nodeClients = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _followers = [];
    private readonly Action<string> _output;
    private int _started;

    /// <summary>The header the services want on their internal routes (/v1/append, /v1/internal/...).</summary>
    public const string InternalKeyHeader = "X-Kv-Internal-Key";

    private TestCluster(DistributedApplication app, ClusterOptions options, Secrets secrets, Action<string> output)
    {
        _app = app;
        Options = options;
        _output = output;
        StateDirectory = Path.GetFullPath(options.StateDirectory);
        Coordinator = new ClusterService(app, ClusterServices.CoordinatorName, ClusterServices.CoordinatorName,
            LoopbackUrl(options.PortBase), Path.Combine(StateDirectory, ClusterServices.CoordinatorName), options.ReadyTimeout);
        _allNodes = [.. Enumerable.Range(1, options.Nodes + options.SpareNodes).Select(i => new ClusterService(app,
            ClusterServices.NodeResourceName(i), ClusterServices.NodeId(i), LoopbackUrl(options.PortBase + i),
            Path.Combine(StateDirectory, ClusterServices.NodeId(i)), options.ReadyTimeout))];
        _started = options.Nodes;
        InternalKey = secrets.InternalKey;
        AdminToken = secrets.AdminToken;
        ClientToken = secrets.ClientToken;
        CoordinatorClient = CreateClient(Coordinator.Url, AdminToken);
        foreach (var node in Nodes) _nodeClients.Add(CreateClient(node.Url, AdminToken));
        RedisConnectionString = options.RedisConnection ?? $"127.0.0.1:{options.RedisPort},password={secrets.RedisPassword}";
        if (options.RedisConnection is null) Redis = new ClusterRedisServer(app, RedisConnectionString, options.ReadyTimeout);
    }

    public ClusterOptions Options { get; }

    /// <summary>The running AppHost: its resources, notifications and commands, as the dashboard sees them.</summary>
    public DistributedApplication App => _app;

    /// <summary>Full path of the state directory: redis/, node-i/ and endpoints.json.</summary>
    public string StateDirectory { get; }

    public string EndpointsFilePath => Path.Combine(StateDirectory, EndpointsFile.FileName);

    /// <summary>The private Redis's (with its password), or <see cref="ClusterOptions.RedisConnection"/> as given.</summary>
    public string RedisConnectionString { get; }

    /// <summary>The cluster's internal key (<see cref="InternalKeyHeader"/>), for a test that calls an internal route itself.</summary>
    public string InternalKey { get; }

    /// <summary>The generated admin token with <see cref="ClusterOptions.Auth"/>, else null; every client here sends it.</summary>
    public string? AdminToken { get; }

    /// <summary>The generated client token (role write) with <see cref="ClusterOptions.Auth"/>, else null: what a referencing service gets.</summary>
    public string? ClientToken { get; }

    /// <summary>The private redis-server, or null when the cluster uses <see cref="ClusterOptions.RedisConnection"/>.</summary>
    public ClusterRedisServer? Redis { get; }

    public ClusterService Coordinator { get; }

    /// <summary>The nodes started so far (spare ones join through <see cref="AddNodeAsync"/>), in node order.</summary>
    public IReadOnlyList<ClusterService> Nodes => _allNodes.Take(Volatile.Read(ref _started)).ToArray();

    /// <summary>One client per node, in node order; BaseAddress is the node's URL, Timeout 10 s, the admin token if any.</summary>
    public IReadOnlyList<HttpClient> NodeClients => _nodeClients;

    public HttpClient CoordinatorClient { get; }

    public static Task<TestCluster> StartAsync(ITestOutputHelper output, int nodes = 3, IReadOnlyDictionary<string, string>? env = null) =>
        StartAsync(output, nodes, options => env is null ? options : options with { Environment = env });

    /// <summary>Starts a cluster with options adjusted by <paramref name="configure"/> (ports and state directory are already chosen).</summary>
    public static Task<TestCluster> StartAsync(ITestOutputHelper output, int nodes, Func<ClusterOptions, ClusterOptions> configure) =>
        StartAsync(configure(ClusterOptions.ForTest(nodes)), TestOutput(output));

    public static async Task<TestCluster> StartAsync(ClusterOptions options, Action<string> output, CancellationToken cancellationToken = default)
    {
        var appHost = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KvCluster_AppHost>([.. options.ToArguments()], cancellationToken)
            .ConfigureAwait(false);
        // The services' lines go to the test's output (FollowOutput); the AppHost's own log only from warnings on.
        appHost.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter($"{typeof(KvCluster.AppHost.Cluster.ClusterArguments).Assembly.GetName().Name}.Resources", LogLevel.None));
        foreach (var service in appHost.Resources.OfType<IResourceWithEnvironment>()
                     .Where(r => r.Name == ClusterServices.CoordinatorName || r.Name.StartsWith("node", StringComparison.Ordinal)).ToArray())
        {
            var builder = appHost.CreateResourceBuilder(service);
            foreach (var (name, value) in EnvironmentFor(options, ServiceId(service.Name))) builder.WithEnvironment(name, value);
            // A coordinator that cannot use Redis never becomes healthy, and the nodes would wait for it forever.
            if (!options.WaitUntilHealthy)
            {
                foreach (var wait in service.Annotations.OfType<WaitAnnotation>().Where(w => w.Resource.Name == ClusterServices.CoordinatorName).ToArray())
                {
                    service.Annotations.Remove(wait);
                }
            }
        }
        var secrets = await Secrets.ReadAsync(appHost.Resources, cancellationToken).ConfigureAwait(false);
        var app = await appHost.BuildAsync(cancellationToken).ConfigureAwait(false);
        var cluster = new TestCluster(app, options, secrets, output);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ReadyTimeout);
            try
            {
                await app.StartAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Starting waits for each node's WaitFor, so a coordinator that never became healthy ends here: what
                // the services printed says why.
                cluster.FollowOutput();
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
                throw new TimeoutException($"The cluster did not start within {options.ReadyTimeout.TotalSeconds:0} s. The coordinator's " +
                    $"{ClusterServices.HealthPath}: {await cluster.DescribeHealthAsync(cluster.Coordinator).ConfigureAwait(false)}; " +
                    "the services' lines are in the test's output.");
            }
            // Only now does each resource have the DCP instance its log is kept under; what it printed so far is replayed.
            cluster.FollowOutput();
            await Task.WhenAll(((ClusterService[])[cluster.Coordinator, .. cluster.Nodes]).Select(service => options.WaitUntilHealthy
                ? service.WaitReadyAsync(options.ReadyTimeout, cancellationToken)
                : service.WaitRunningAsync(options.ReadyTimeout, cancellationToken))).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The cluster's connection string as <c>WithReference(kv)</c> hands it to a service (<c>ConnectionStrings__kv</c>).</summary>
    public async Task<string> ConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        var cluster = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<KvClusterResource>().Single();
        return await cluster.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The cluster '{cluster.Name}' has no connection string.");
    }

    /// <summary>The client for <paramref name="node"/> (BaseAddress = its URL).</summary>
    public HttpClient ClientFor(ClusterService node) =>
        node == Coordinator ? CoordinatorClient : _nodeClients[_allNodes.IndexOf(node)];

    // What /health answers now, for a message: the status code and the body that says why.
    private async Task<string> DescribeHealthAsync(ClusterService service)
    {
        try
        {
            using var response = await ClientFor(service).GetAsync(ClusterServices.HealthPath).ConfigureAwait(false);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"no answer ({e.Message})";
        }
    }

    /// <summary>Starts the next spare node, as the dashboard's Start would, and gives it a client.</summary>
    public async Task<ClusterService> AddNodeAsync(CancellationToken cancellationToken = default)
    {
        int index = Volatile.Read(ref _started);
        if (index >= _allNodes.Count)
            throw new InvalidOperationException($"No spare node left: the cluster was started with {Options.SpareNodes} (ClusterOptions.SpareNodes).");
        var node = _allNodes[index];
        await node.StartAsync(cancellationToken).ConfigureAwait(false);
        // A resource started explicitly has no log to follow until it has run.
        Follow(node);
        _nodeClients.Add(CreateClient(node.Url, AdminToken));
        Interlocked.Increment(ref _started);
        return node;
    }

    /// <summary>Fails if any service logged an error ("fail:"/"crit:") or crashed, quoting those lines.</summary>
    public void AssertNoErrorsLogged()
    {
        var errors = ((ClusterService[])[Coordinator, .. Nodes])
            .SelectMany(service => service.RecentOutput.Where(IsError).Select(line => $"[{service.Name}] {line}"))
            .ToArray();
        Assert.True(errors.Length == 0, "Services logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _nodeClients) client.Dispose();
        CoordinatorClient.Dispose();
        try
        {
            // Nothing of a test cluster's state outlives it, so a crash is as good a stop as any, and much faster
            // than each service's graceful shutdown.
            foreach (var service in (ClusterService[])[Coordinator, .. _allNodes]) service.Kill();
            Redis?.Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            await _stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_followers).ConfigureAwait(false);
            _stopping.Dispose();
            DeleteStateDirectory(StateDirectory);
        }
    }

    /// <summary>A client for a loopback service: no proxy from the environment, 10 s timeout, <c>Authorization: Bearer</c> with a token.</summary>
    public static HttpClient CreateClient(Uri baseAddress, string? bearerToken = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = RequestTimeout };
        if (bearerToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    /// <summary>Lines for a test's output, stamped with the seconds since the cluster started.</summary>
    public static Action<string> TestOutput(ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        return line =>
        {
            try
            {
                output.WriteLine($"{clock.Elapsed.TotalSeconds,7:0.000}s {line}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; late lines from stopping processes have nowhere to go.
            }
        };
    }

    private void FollowOutput()
    {
        foreach (var service in (ClusterService[])[Coordinator, .. Nodes]) Follow(service);
        if (Redis is null) return;
        var redis = new ResourceOutput();
        _followers.Add(redis.FollowAsync(Logs, Resource(ClusterRedis.ResourceName), line => _output($"[redis] {line}"), _stopping.Token));
    }

    // From the start of the service's log: Aspire replays what it has kept, then follows.
    private void Follow(ClusterService service) =>
        _followers.Add(service.Output.FollowAsync(Logs, Resource(service.ResourceName), line => _output($"[{service.Name}] {line}"),
            _stopping.Token));

    private ResourceLoggerService Logs => _app.Services.GetRequiredService<ResourceLoggerService>();

    private IResource Resource(string name) =>
        _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == name);

    private static IEnumerable<KeyValuePair<string, string>> EnvironmentFor(ClusterOptions options, string serviceId)
    {
        var merged = new Dictionary<string, string>(options.Environment, StringComparer.Ordinal);
        if (options.EnvironmentFor?.Invoke(serviceId) is { } own)
        {
            foreach (var (name, value) in own) merged[name] = value;
        }
        return merged;
    }

    // "node1" → "node-1"; the coordinator's id is its resource name.
    private static string ServiceId(string resourceName) =>
        resourceName.StartsWith("node", StringComparison.Ordinal) && int.TryParse(resourceName.AsSpan(4), out int index)
            ? ClusterServices.NodeId(index)
            : resourceName;

    private static bool IsError(string line)
    {
        // DCP stamps each captured line with the time it was written ("2026-12-04T04:58:56.8260000Z fail: ...").
        int space = line.IndexOf(' ');
        if (space > 0 && char.IsAsciiDigit(line[0]) && line[space - 1] == 'Z') line = line[(space + 1)..];
        return line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal) ||
               line.StartsWith("Unhandled exception.", StringComparison.Ordinal);
    }

    // The AppHost's generated secrets, read from its parameters as the dashboard shows them.
    private sealed record Secrets(string InternalKey, string? AdminToken, string? ClientToken, string? RedisPassword)
    {
        public static async Task<Secrets> ReadAsync(IResourceCollection resources, CancellationToken cancellationToken) => new(
            await ValueAsync(resources, ClusterSecrets.InternalKeyParameter, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The AppHost has no parameter {ClusterSecrets.InternalKeyParameter}."),
            await ValueAsync(resources, ClusterSecrets.AdminTokenParameter, cancellationToken).ConfigureAwait(false),
            await ValueAsync(resources, ClusterSecrets.ClientTokenParameter, cancellationToken).ConfigureAwait(false),
            await ValueAsync(resources, ClusterSecrets.RedisPasswordParameter, cancellationToken).ConfigureAwait(false));

        private static async Task<string?> ValueAsync(IResourceCollection resources, string name, CancellationToken cancellationToken) =>
            resources.OfType<ParameterResource>().SingleOrDefault(p => p.Name == name) is { } parameter
                ? await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false)
                : null;
    }

    private static Uri LoopbackUrl(int port) => new($"http://127.0.0.1:{port}");

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
