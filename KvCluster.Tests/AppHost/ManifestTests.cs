using System.Text.Json;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.AppHost;

/// <summary>
/// The manifest azd deploys from (<c>--publisher manifest</c>, what <c>azd up</c> runs): only resource types azd accepts,
/// Redis a container that keeps the log in an AOF on a volume, the coordinator and every node with its own id.
/// </summary>
public sealed class ManifestTests : IDisposable
{
    private static readonly string[] TypesAzdAccepts =
        ["container.v0", "container.v1", "project.v0", "project.v1", "dockerfile.v0", "parameter.v0", "value.v0", "annotated.string"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kvcluster-manifest-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_manifest_has_only_types_azd_accepts_and_no_executable()
    {
        var resources = await PublishAsync("--nodes", "3", "--spare-nodes", "1");

        Assert.All(resources, resource => Assert.Contains(resource.Value.GetProperty("type").GetString(), TypesAzdAccepts));
        // The spare node is for a local cluster's dashboard: a deployment has the nodes it runs.
        Assert.Equal(["coordinator", "node1", "node2", "node3", "redis"],
            resources.Where(r => r.Value.GetProperty("type").GetString() is "project.v0" or "container.v0").Select(r => r.Key).Order());
    }

    [Fact]
    public async Task Redis_is_a_container_keeping_its_AOF_on_a_volume_with_no_snapshots()
    {
        var redis = (await PublishAsync("--fsync", "always"))["redis"];

        Assert.Equal("container.v0", redis.GetProperty("type").GetString());
        string command = string.Join(' ', redis.GetProperty("args").EnumerateArray().Select(arg => arg.GetString()));
        Assert.Contains("redis-server --requirepass $REDIS_PASSWORD", command);
        Assert.Contains("--appendonly yes --appendfsync always", command);
        Assert.DoesNotContain("--save 60", command);
        Assert.EndsWith("--save ''", command);
        var volume = Assert.Single(redis.GetProperty("volumes").EnumerateArray());
        Assert.Equal("/data", volume.GetProperty("target").GetString());
        Assert.False(volume.GetProperty("readOnly").GetBoolean());
    }

    [Fact]
    public async Task Every_node_has_its_own_id_the_redis_connection_and_the_coordinator_and_only_nodes_are_external()
    {
        var resources = await PublishAsync("--nodes", "2");

        foreach (var (name, id) in new[] { ("node1", "node-1"), ("node2", "node-2") })
        {
            var env = resources[name].GetProperty("env");
            Assert.Equal(id, env.GetProperty("Kv__NodeId").GetString());
            Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
            Assert.Equal("{coordinator.bindings.http.url}", env.GetProperty("services__coordinator__http__0").GetString());
            Assert.True(resources[name].GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        }
        var coordinator = resources["coordinator"];
        Assert.Equal("{redis.connectionString}", coordinator.GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
        Assert.False(coordinator.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _));
    }

    [Fact]
    public async Task A_key_prefix_reaches_the_coordinator_and_every_node_with_its_braces_escaped_for_azd()
    {
        var resources = await PublishAsync("--nodes", "2", "--key-prefix", "{kv2}:");

        // azd reads "{{" and "}}" as braces and "{kv2}" as a reference to a resource.
        foreach (var name in new[] { "coordinator", "node1", "node2" })
        {
            Assert.Equal("{{kv2}}:", resources[name].GetProperty("env").GetProperty("Kv__KeyPrefix").GetString());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_service_gets_the_internal_key_and_token_mode_with_generated_admin_and_client_tokens_auth_given_or_not(bool auth)
    {
        var resources = await PublishAsync(["--nodes", "2", .. auth ? ["--auth"] : Array.Empty<string>()]);

        // Secret parameters whose values azd generates (and keeps in the environment's .env) at the first deployment.
        foreach (var name in new[] { "kv-internal-key", "kv-admin-token", "kv-client-token", "redis-password" })
        {
            var parameter = resources[name];
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.Equal($"{{{name}.inputs.value}}", parameter.GetProperty("value").GetString());
            var input = parameter.GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean());
            var generate = input.GetProperty("default").GetProperty("generate");
            Assert.True(generate.GetProperty("minLength").GetInt32() >= 32);
            Assert.False(generate.GetProperty("special").GetBoolean());
        }
        foreach (var name in new[] { "coordinator", "node1", "node2" })
        {
            var env = resources[name].GetProperty("env");
            Assert.Equal("{kv-internal-key.value}", env.GetProperty("Kv__InternalKey").GetString());
            Assert.Equal("true", env.GetProperty("Kv__Auth__Enabled").GetString());
            Assert.Equal("{kv-admin-token.value}", env.GetProperty("Kv__Auth__Tokens__admin__Secret").GetString());
            Assert.Equal("admin", env.GetProperty("Kv__Auth__Tokens__admin__Role").GetString());
            Assert.Equal("{kv-client-token.value}", env.GetProperty("Kv__Auth__Tokens__client__Secret").GetString());
            Assert.Equal("write", env.GetProperty("Kv__Auth__Tokens__client__Role").GetString());
            Assert.False(env.TryGetProperty("Kv__Auth__TokenFile", out _));
        }
        // What WithReference(kv) hands a deployed service: the client token, never the admin token.
        Assert.Equal("value.v0", resources["kv"].GetProperty("type").GetString());
        Assert.Equal("Endpoints={node1.bindings.http.url},{node2.bindings.http.url};Token={kv-client-token.value}",
            resources["kv"].GetProperty("connectionString").GetString());
        // Redis's password is the parameter the container requires and the connection string carries.
        Assert.Equal("{redis-password.value}", resources["redis"].GetProperty("env").GetProperty("REDIS_PASSWORD").GetString());
        Assert.Contains(",password={redis-password.value}", resources["redis"].GetProperty("connectionString").GetString());
    }

    [Fact]
    public async Task A_token_file_is_refused_when_publishing()
    {
        Directory.CreateDirectory(_directory);
        string tokens = Path.Combine(_directory, "tokens.json");
        await File.WriteAllTextAsync(tokens, """{"Tokens": {"app": {"Secret": "s", "Role": "write"}}}""");
        using var apphost = AppHostProcess.Start(["--publisher", "manifest", "--output-path", Path.Combine(_directory, "m.json"),
            "--token-file", tokens]);

        Assert.Equal(2, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--token-file names a file on this machine, which a deployed service cannot read", apphost.Output);
    }

    [Fact]
    public async Task A_redis_CA_file_is_refused_when_publishing()
    {
        var authority = TestCertificateAuthority.WriteTo(_directory);
        using var apphost = AppHostProcess.Start(["--publisher", "manifest", "--output-path", Path.Combine(_directory, "m.json"),
            "--redis-ca-file", authority.CaCertificateFile]);

        Assert.Equal(2, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--redis-ca-file names a file on this machine, which a deployed service cannot read", apphost.Output);
    }

    private async Task<Dictionary<string, JsonElement>> PublishAsync(params string[] args)
    {
        string manifest = Path.Combine(_directory, "aspire-manifest.json");
        using var apphost = AppHostProcess.Start(["--publisher", "manifest", "--output-path", manifest, .. args]);
        Assert.True(await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, apphost.Output);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        return document.RootElement.GetProperty("resources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
