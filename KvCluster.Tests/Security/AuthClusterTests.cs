using System.Net;
using System.Runtime.Versioning;
using Aspire.Hosting;
using KvCluster.Client;
using KvCluster.Hosting;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace KvCluster.Tests.Security;

/// <summary>
/// A cluster started through the AppHost with --auth and a token file (<see cref="AuthCluster"/>): what the AppHost hands
/// it (a private Redis that wants its password, every service the internal key and the admin and client tokens, an
/// endpoints.json only its owner can read, a referencing service the client token and not the admin token), and the real
/// services refusing every caller a route's role does not allow, the matrix <see cref="AccessMatrixTests"/> checks
/// in-process, and outsiders on the internal routes.
/// </summary>
[Collection(ClusterCollection.Name)]
[SupportedOSPlatform("linux")] // /proc, and file modes
public sealed class AuthClusterTests(AuthCluster shared, ITestOutputHelper output) : IClassFixture<AuthCluster>
{
    private static readonly TimeSpan EndpointsTimeout = TimeSpan.FromSeconds(30);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static TheoryData<string> Callers => new(AccessMatrix.Callers);

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Every_route_of_the_node_and_the_coordinator_answers_each_caller_by_its_role(string caller)
    {
        var cluster = shared.For(output);
        var tokens = new RoleTokens(AuthCluster.Reader, AuthCluster.Writer, cluster.AdminToken!);

        var wrong = new List<string>();
        wrong.AddRange(await AccessMatrix.CheckAsync(cluster.Nodes[0].Url, ClientRoutes.Node, caller, tokens));
        wrong.AddRange((await AccessMatrix.CheckAsync(cluster.Coordinator.Url, ClientRoutes.Coordinator, caller, tokens)).Select(w => "coordinator " + w));

        Assert.True(wrong.Count == 0, $"Caller '{caller}':\n" + string.Join('\n', wrong));
    }

    [Fact]
    public async Task A_token_with_a_prefix_writes_and_reads_inside_it_and_nothing_outside()
    {
        var cluster = shared.For(output);
        using var appWriter = TestCluster.CreateClient(cluster.Nodes[0].Url, AuthCluster.AppWriter);

        using var inside = await KvHttp.PutAsync(appWriter, "app/settings", "on");
        using var outside = await KvHttp.PutAsync(appWriter, "billing/settings", "on");
        using var listOutside = await appWriter.GetAsync("/v1/kv?prefix=billing/");

        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        Assert.Equal("on", await KvHttp.GetValueAsync(appWriter, "app/settings"));
        KvHttp.AssertProblem(outside, HttpStatusCode.Forbidden);
        KvHttp.AssertProblem(listOutside, HttpStatusCode.Forbidden);
        using var refusedWrite = await KvHttp.GetAsync(cluster.NodeClients[0], "billing/settings");
        Assert.Equal(HttpStatusCode.NotFound, refusedWrite.StatusCode);
    }

    [Fact]
    public async Task The_token_a_referencing_service_gets_writes_and_reads_keys_and_is_refused_an_admin_route()
    {
        var cluster = shared.For(output);
        string connectionString = await cluster.ConnectionStringAsync();

        var options = KvClientOptions.Parse(connectionString);
        Assert.Equal([cluster.Nodes[0].Url], options.Endpoints);
        Assert.NotNull(cluster.ClientToken);
        Assert.Equal(cluster.ClientToken, options.Token);
        Assert.NotEqual(cluster.AdminToken, options.Token);
        using (var service = new KvClient(connectionString))
        {
            Assert.True((await service.PutStringAsync("service/greeting", "hello")).Succeeded);
            Assert.Equal("hello", await service.GetStringAsync("service/greeting"));
        }
        using var sameToken = TestCluster.CreateClient(cluster.Nodes[0].Url, options.Token);
        using var snapshot = await sameToken.PostAsync("/v1/node/snapshot", content: null);
        KvHttp.AssertProblem(snapshot, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_is_open_to_probes_and_only_an_admin_reads_why_each_check_stands_as_it_does()
    {
        var cluster = shared.For(output);

        // The node's own check always says how far it has applied; why a Redis check fails would name hosts and ports.
        foreach (var (token, explained) in new (string?, bool)[] { (null, false), (AuthCluster.Reader, false), (AuthCluster.Writer, false), (cluster.AdminToken, true) })
        {
            using var client = TestCluster.CreateClient(cluster.Nodes[0].Url, token);
            using var response = await client.GetAsync("/health");
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToArray();
            Assert.Contains(checks, check => check.GetProperty("name").GetString() == "replica");
            Assert.Equal(explained, checks.Any(check => check.TryGetProperty("description", out _)));
        }
    }

    [Fact]
    public async Task The_internal_routes_refuse_outsiders_with_no_token_and_with_the_admin_token()
    {
        var cluster = shared.For(output);

        var wrong = new List<string>();
        wrong.AddRange(await OutsiderProbe.CheckAsync(cluster, bearer: null));
        wrong.AddRange((await OutsiderProbe.CheckAsync(cluster, cluster.AdminToken)).Select(w => "with the admin token: " + w));

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task With_auth_Redis_wants_its_password_the_services_get_the_secrets_and_endpoints_json_is_the_owners_alone()
    {
        var cluster = shared.For(output);
        string port = cluster.Options.RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Without the password Redis answers nothing but NOAUTH; with it (the cluster's connection string) the log is there.
        var refused = await RedisCli.TryRunAsync(["-p", port, "PING"]);
        Assert.Contains("NOAUTH", refused.Output + refused.Error);
        Assert.Equal(HttpStatusCode.Created, (await KvHttp.PutAsync(cluster.NodeClients[0], "secrets/probe", "v")).StatusCode);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString))
        {
            Assert.True(await redis.GetDatabase().KeyExistsAsync("{kv}:log"));
        }
        string configFile = Path.Combine(cluster.StateDirectory, "redis", RedisServerBuilderExtensions.ConfigFileName);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(configFile));
        string password = cluster.RedisConnectionString.Split(",password=")[1];
        Assert.Contains($"requirepass {password}", await File.ReadAllTextAsync(configFile));
        Assert.DoesNotContain(password, await File.ReadAllTextAsync($"/proc/{cluster.Redis!.ProcessId}/cmdline"));

        // The admin token and Redis's connection string, readable by the owner alone.
        ClusterEndpoints? endpoints = null;
        await Eventually.TrueAsync(async () => File.Exists(cluster.EndpointsFilePath)
                && (endpoints = await EndpointsFile.ReadAsync(cluster.EndpointsFilePath)).Nodes.Count == 1,
            EndpointsTimeout, () => $"{cluster.EndpointsFilePath} did not list node-1.");
        Assert.NotNull(cluster.AdminToken);
        Assert.Equal(cluster.AdminToken, endpoints!.Token);
        Assert.Equal(cluster.RedisConnectionString, endpoints.Redis);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(cluster.EndpointsFilePath));

        // Each service, as the AppHost started it, holds the same internal key and the admin and client tokens.
        foreach (var service in new[] { cluster.Coordinator, cluster.Nodes[0] })
        {
            var environment = EnvironmentOf(service.ProcessId ?? throw new InvalidOperationException($"{service.Name} is not running."));
            Assert.Equal(cluster.InternalKey, environment["Kv__InternalKey"]);
            Assert.Equal("true", environment["Kv__Auth__Enabled"]);
            Assert.Equal(cluster.AdminToken, environment["Kv__Auth__Tokens__admin__Secret"]);
            Assert.Equal("admin", environment["Kv__Auth__Tokens__admin__Role"]);
            Assert.Equal(cluster.ClientToken, environment["Kv__Auth__Tokens__client__Secret"]);
            Assert.Equal("write", environment["Kv__Auth__Tokens__client__Role"]);
            Assert.Equal(cluster.RedisConnectionString, environment["ConnectionStrings__redis"]);
        }
        Assert.Equal("Bearer", cluster.NodeClients[0].DefaultRequestHeaders.Authorization?.Scheme);
        // The dashboard's commands send the admin token too (snapshot now takes an admin once the services check tokens).
        var snapshot = await cluster.App.ResourceCommands.ExecuteCommandAsync(cluster.Nodes[0].ResourceName, NodeCommands.SnapshotNow);
        Assert.True(snapshot.Success, snapshot.Message);
        cluster.AssertNoErrorsLogged();
    }

    private static Dictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(variable => variable.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
}
