using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KvCluster.Client;
using KvCluster.Hosting;
using KvCluster.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using PortAllocator = KvCluster.Bench.Ports.PortAllocator;

namespace KvCluster.Tests.Samples;

/// <summary>
/// The FeatureFlags sample (samples/FeatureFlags) as its user sees it: its own AppHost, started once for the class on free
/// ports and a temporary state directory, its flags service reached through the AppHost as a browser would, and the
/// cluster through another client made from the <c>kv</c> connection string.
/// </summary>
public sealed class FeatureFlagsSampleTests(FeatureFlagsSampleTests.Sample sample, ITestOutputHelper output)
    : IClassFixture<FeatureFlagsSampleTests.Sample>
{
    // What the service answers for a flag.
    private sealed record FlagJson(string Name, bool Enabled, long Version);

    // "Within a couple of seconds", with room for a busy machine: the watch pushes a change in milliseconds.
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_flag_set_through_the_service_is_read_back_and_held_by_the_cluster()
    {
        var flags = sample.For(output);

        using var put = await PutFlagAsync(flags, "dark-mode", enabled: true);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var written = await put.Content.ReadFromJsonAsync<FlagJson>();
        Assert.Equal(new FlagJson("dark-mode", true, written!.Version), written);
        Assert.Equal($"\"{written.Version}\"", put.Headers.ETag?.Tag);

        Assert.Equal(written, await flags.GetFromJsonAsync<FlagJson>("/flags/dark-mode"));
        Assert.Contains(written, (await flags.GetFromJsonAsync<FlagJson[]>("/flags"))!);
        // A linearizable read: this client has not seen the service's write, so a session read could be older.
        var held = await sample.Kv.GetAsync("flags/dark-mode", new KvReadOptions { Consistency = KvConsistency.Linearizable });
        Assert.Equal("""{"enabled":true}""", System.Text.Encoding.UTF8.GetString(held!.Value.Span));
        Assert.Equal(written.Version, held.Version);
        sample.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_flag_written_to_the_cluster_by_another_client_is_pushed_to_the_service()
    {
        var flags = sample.For(output);

        var created = await sample.Kv.PutAsync("flags/beta-search", """{"enabled":true}"""u8.ToArray(), "application/json");
        await FlagBecomesAsync(flags, "beta-search", new FlagJson("beta-search", true, created.Version));

        var changed = await sample.Kv.PutAsync("flags/beta-search", """{"enabled":false}"""u8.ToArray(), "application/json");
        await FlagBecomesAsync(flags, "beta-search", new FlagJson("beta-search", false, changed.Version));

        Assert.True(await sample.Kv.DeleteAsync("flags/beta-search"));
        await FlagBecomesAsync(flags, "beta-search", null);
        sample.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_write_with_a_stale_If_Match_is_refused_with_412_and_changes_nothing()
    {
        var flags = sample.For(output);
        using var first = await PutFlagAsync(flags, "checkout-v2", enabled: false);
        var firstETag = first.Headers.ETag!;

        using var second = await PutFlagAsync(flags, "checkout-v2", enabled: true, ifMatch: firstETag);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var stale = await PutFlagAsync(flags, "checkout-v2", enabled: false, ifMatch: firstETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);

        var now = await flags.GetFromJsonAsync<FlagJson>("/flags/checkout-v2");
        Assert.Equal(await second.Content.ReadFromJsonAsync<FlagJson>(), now);
        Assert.True(now!.Enabled);
        sample.AssertNoErrorsLogged();
    }

    private static async Task<HttpResponseMessage> PutFlagAsync(HttpClient flags, string name, bool enabled, EntityTagHeaderValue? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/flags/{name}") { Content = JsonContent.Create(new { enabled }) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(ifMatch);
        return await flags.SendAsync(request);
    }

    // The service's GET answers from its cache, so a change written elsewhere shows only once the watch has brought it.
    private static async Task FlagBecomesAsync(HttpClient flags, string name, FlagJson? expected)
    {
        FlagJson? seen = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await flags.GetAsync($"/flags/{name}");
            seen = response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<FlagJson>();
            return seen == expected;
        }, PushTimeout, () => $"GET /flags/{name} answered {seen?.ToString() ?? "404"}, not {expected?.ToString() ?? "404"}");
    }

    /// <summary>
    /// The sample's AppHost, started once for the class: its cluster on free ports with its state in a temporary directory,
    /// every resource's console lines going to the running test's output. Disposing stops it and deletes the state.
    /// </summary>
    public sealed class Sample : IAsyncLifetime
    {
        private const string FlagsResource = "flags";
        private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

        private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "kvcluster-tests", "flags-" + Guid.NewGuid().ToString("N")[..12]);
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<Task> _followers = [];
        private readonly Dictionary<string, ResourceOutput> _outputs = [];
        private DistributedApplication? _app;
        private HttpClient? _flags;
        private KvClient? _kv;
        private ITestOutputHelper? _output;
        private int _disposed;

        /// <summary>Another client of the sample's cluster, made from the <c>kv</c> connection string the service gets.</summary>
        public KvClient Kv => _kv ?? throw new InvalidOperationException("The sample did not start.");

        /// <summary>The flags service, through the AppHost's endpoint; its lines now going to <paramref name="output"/>.</summary>
        public HttpClient For(ITestOutputHelper output)
        {
            Volatile.Write(ref _output, output);
            return _flags ?? throw new InvalidOperationException("The sample did not start.");
        }

        /// <summary>Fails if a service (the flags service, the coordinator, a node) logged an error, quoting those lines.</summary>
        public void AssertNoErrorsLogged()
        {
            var errors = _outputs
                .SelectMany(output => output.Value.Recent.Where(IsError).Select(line => $"[{output.Key}] {line}"))
                .ToArray();
            Assert.True(errors.Length == 0, "Services logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        public async Task InitializeAsync()
        {
            // The settings a user changes with --Kv:PortBase and the like: free ports, and state of the test's own. Two nodes
            // rather than the sample's three: what the tests show needs two, and every process started costs the suite.
            const int nodes = 2;
            int portBase = PortAllocator.FindFreeRange(1 + nodes);
            int redisPort = PortAllocator.FindFreeRange(1);
            var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FeatureFlags_AppHost>([
                $"--Kv:Nodes={nodes}",
                $"--Kv:PortBase={portBase}",
                $"--Kv:RedisPort={redisPort}",
                $"--Kv:StateDir={_stateDirectory}",
                // The tests' machines have no container runtime; where one exists, a test still wants no container.
                "--Kv:RedisMode=Executable",
            ]);
            // The services' lines go to the test's output (FollowOutput); the AppHost's own only from warnings on, whatever
            // its appsettings.json says.
            appHost.Services.AddLogging(logging => logging
                .AddFilter(category: null, LogLevel.Warning)
                .AddFilter($"{typeof(Projects.FeatureFlags_AppHost).Assembly.GetName().Name}.Resources", LogLevel.None));
            _app = await appHost.BuildAsync();
            try
            {
                using var timeout = new CancellationTokenSource(StartTimeout);
                try
                {
                    await _app.StartAsync(timeout.Token);
                }
                finally
                {
                    // Each resource has the DCP instance its log is kept under once started; what it printed is replayed.
                    FollowOutput(_app);
                }
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(FlagsResource, timeout.Token);
                _flags = _app.CreateHttpClient(FlagsResource);
                _kv = new KvClient(await _app.GetConnectionStringAsync("kv", timeout.Token)
                    ?? throw new InvalidOperationException("The cluster resource kv has no connection string."));
            }
            catch
            {
                await DisposeAsync();
                throw;
            }
        }

        public async Task DisposeAsync()
        {
            // Called by a failed start as well as by xunit.
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _kv?.Dispose();
            _flags?.Dispose();
            try
            {
                if (_app is not null)
                {
                    KillServices(_app);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                    await _app.StopAsync(timeout.Token);
                    await _app.DisposeAsync();
                }
            }
            finally
            {
                await _stopping.CancelAsync();
                await Task.WhenAll(_followers);
                _stopping.Dispose();
                try
                {
                    if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // A file still being closed by a process that just exited; the temp directory is cleaned eventually.
                }
            }
        }

        private void FollowOutput(DistributedApplication app)
        {
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            foreach (var resource in model.Resources.Where(resource => resource is ProjectResource or ExecutableResource))
            {
                var lines = _outputs[resource.Name] = new ResourceOutput();
                _followers.Add(lines.FollowAsync(logs, resource, line => Forward($"[{resource.Name}] {line}"), _stopping.Token));
            }
        }

        // Nothing of the sample's state outlives the class, so a crash is as good a stop as any, and much faster than each
        // service's graceful shutdown; the cluster's crash restarts are told to leave them down.
        private static void KillServices(DistributedApplication app)
        {
            var restarter = app.Services.GetRequiredService<CrashRestarter>();
            foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
            {
                if (resource is not (ProjectResource or ExecutableResource)) continue;
                restarter.LeaveDown(resource.Name);
                if (ResourceProcess.Find(app, resource.Name) is int pid) Signals.Kill(pid);
            }
        }

        // DCP stamps each line with the time it was written: "2026-12-04T16:29:53.4040000Z fail: ...".
        private static bool IsError(string line) =>
            line.Contains("Z fail: ", StringComparison.Ordinal) || line.Contains("Z crit: ", StringComparison.Ordinal);

        private void Forward(string line)
        {
            try
            {
                Volatile.Read(ref _output)?.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // Between tests: no test is there to take the line.
            }
        }
    }
}
