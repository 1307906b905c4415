using KvCluster.AppHost.Cluster;
using KvCluster.Hosting;
using KvCluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace KvCluster.Tests.AppHost;

public sealed class ClusterArgumentsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kvcluster-arguments-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        var settings = Read([]);
        Assert.Equal(3, settings.Nodes);
        Assert.Equal(0, settings.SpareNodes);
        Assert.Equal(5100, settings.PortBase);
        Assert.Equal(6390, settings.RedisPort);
        Assert.Equal(Path.GetFullPath(".kvcluster"), settings.StateDirectory);
        Assert.Null(settings.Redis);
        Assert.Equal(RedisMode.Auto, settings.RedisMode);
        Assert.Equal("everysec", settings.Fsync);
        Assert.False(settings.Fresh);
        Assert.False(settings.NoDashboard);
        Assert.Null(settings.KeyPrefix);
        Assert.Null(settings.RedisCaFilePath);
        Assert.False(settings.Auth);
        Assert.Null(settings.TokenFilePath);
        Assert.Null(settings.Validate());
    }

    [Fact]
    public void Every_flag_sets_its_configuration_key()
    {
        var settings = Read(["--nodes", "5", "--spare-nodes=2", "--port-base", "7000", "--redis-port", "7100", "--state-dir", "/tmp/kv-state",
            "--redis-mode", "executable", "--fsync", "always", "--key-prefix", "{kv}:", "--redis-ca-file", "certs/ca.crt", "--fresh", "--no-dashboard"]);
        Assert.Equal(5, settings.Nodes);
        Assert.Equal(2, settings.SpareNodes);
        Assert.Equal(7000, settings.PortBase);
        Assert.Equal(7100, settings.RedisPort);
        Assert.Equal("/tmp/kv-state", settings.StateDirectory);
        Assert.Equal(RedisMode.Executable, settings.RedisMode);
        Assert.Equal("always", settings.Fsync);
        Assert.Equal("{kv}:", settings.KeyPrefix);
        // The services run in directories of their own: they get the file's absolute path.
        Assert.Equal(Path.GetFullPath("certs/ca.crt"), settings.RedisCaFilePath);
        Assert.True(settings.Fresh);
        Assert.True(settings.NoDashboard);
        Assert.Equal(7005, settings.NodePort(5));
    }

    [Fact]
    public void Configuration_keys_on_the_command_line_and_Aspire_arguments_pass_through()
    {
        Assert.True(ClusterArguments.TryTranslate(["--Kv:Nodes", "4", "--publisher", "manifest", "--output-path", "out/m.json"],
            out var translated, out var error), error);
        Assert.Equal(["--Kv:Nodes", "4", "--publisher", "manifest", "--output-path", "out/m.json"], translated);
        Assert.Equal(4, Read(["--Kv:Nodes", "4"]).Nodes);
    }

    [Fact]
    public void A_redis_connection_with_commas_and_equals_signs_is_kept_whole()
    {
        Assert.Equal("cache.example:6380,password=p=q,ssl=true", Read(["--redis", "cache.example:6380,password=p=q,ssl=true"]).Redis);
        Assert.Equal("cache.example:6380,password=p=q", Read(["--redis=cache.example:6380,password=p=q"]).Redis);
    }

    [Theory]
    [InlineData(new[] { "--nodez", "3" }, "Unknown option '--nodez'")]
    [InlineData(new[] { "--nodes" }, "--nodes needs a value")]
    [InlineData(new[] { "--nodes", "--fresh" }, "--nodes needs a value")]
    public void A_wrong_flag_is_refused_with_the_usage(string[] args, string expected)
    {
        Assert.False(ClusterArguments.TryTranslate(args, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains("Usage:", error);
    }

    [Theory]
    [InlineData(new[] { "--nodes", "0" }, "--nodes must be at least 1")]
    [InlineData(new[] { "--spare-nodes", "-1" }, "--spare-nodes must not be negative")]
    [InlineData(new[] { "--port-base", "65534" }, "leaves no room")]
    [InlineData(new[] { "--redis-port", "5102" }, "collides with the coordinator and node ports")]
    [InlineData(new[] { "--fsync", "sometimes" }, "--fsync must be one of always, everysec")]
    [InlineData(new[] { "--state-dir", " " }, "--state-dir must not be empty")]
    [InlineData(new[] { "--key-prefix=" }, "--key-prefix must be non-empty, without spaces or control characters (got '')")]
    [InlineData(new[] { "--key-prefix", "kv :" }, "--key-prefix must be non-empty, without spaces or control characters (got 'kv :')")]
    [InlineData(new[] { "--key-prefix", "kv\u0001" }, "without spaces or control characters")]
    [InlineData(new[] { "--redis-ca-file", "/nonexistent/kvcluster/ca.crt" }, "--redis-ca-file: there is no file /nonexistent/kvcluster/ca.crt.")]
    public void A_wrong_value_names_the_flag_to_fix(string[] args, string expected)
    {
        Assert.Contains(expected, Read(args).Validate());
    }

    [Fact]
    public void The_redis_port_may_equal_a_service_port_when_a_redis_is_given()
    {
        Assert.Null(Read(["--redis", "127.0.0.1:5101", "--redis-port", "5101"]).Validate());
    }

    [Fact]
    public void A_redis_CA_file_must_hold_a_certificate()
    {
        var authority = TestCertificateAuthority.WriteTo(_directory);
        Assert.Null(Read(["--redis-ca-file", authority.CaCertificateFile]).Validate());

        Assert.Contains($"--redis-ca-file: {authority.ServerKeyFile} is not a readable PEM certificate",
            Read(["--redis-ca-file", authority.ServerKeyFile]).Validate());
    }

    [Fact]
    public void Auth_and_a_token_file_are_flags_and_configuration_keys()
    {
        string tokens = WriteTokenFile("tokens.json", """{"Tokens": {"app": {"Secret": "s3cret", "Role": "write", "Prefix": "app/"}}}""");

        var settings = Read(["--auth", "--token-file", tokens]);
        Assert.True(settings.Auth);
        Assert.Equal(tokens, settings.TokenFilePath);
        Assert.Null(settings.Validate());
        Assert.True(Read(["--Kv:Auth", "true"]).Auth);
        // The services run in directories of their own: they get the file's absolute path.
        Assert.Equal(Path.GetFullPath("t.json"), Read(["--token-file=t.json"]).TokenFilePath);
        Assert.Contains("[--auth] [--token-file FILE]", ClusterArguments.Usage);
    }

    [Fact]
    public void The_services_Kv_Auth_section_in_the_AppHosts_environment_leaves_its_auth_off()
    {
        // Kv__Auth__Enabled is the services' setting (a section); the AppHost's own is the switch Kv:Auth.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kv:Auth:Enabled"] = "true",
            ["Kv:Auth:Tokens:app:Secret"] = "s",
        }).Build();
        Assert.False(ClusterSettings.From(configuration).Auth);
    }

    [Theory]
    [InlineData("{\"Tokens\": {\"app\": {\"Secret\": \"s\", \"Role\": \"read\"}, \"ops\": {\"secret\": \"t\", \"role\": \"admin\"}}}", null)]
    [InlineData("{\"Tokens\": {}}", null)]
    [InlineData("not json", "is not JSON")]
    [InlineData("{\"tokens\": []}", "has no \"Tokens\" object")]
    [InlineData("{\"Tokens\": {\"app\": \"s\"}}", "token 'app' in {0} is not an object with a Secret and a Role")]
    [InlineData("{\"Tokens\": {\"app\": {\"Role\": \"read\"}}}", "token 'app' in {0} has no Secret")]
    [InlineData("{\"Tokens\": {\"app\": {\"Secret\": \" \", \"Role\": \"read\"}}}", "token 'app' in {0} has no Secret")]
    [InlineData("{\"Tokens\": {\"app\": {\"Secret\": \"s\"}}}", "token 'app' in {0} has role ''; it must be one of read, write, admin")]
    [InlineData("{\"Tokens\": {\"app\": {\"Secret\": \"s\", \"Role\": \"root\"}}}", "token 'app' in {0} has role 'root'")]
    [InlineData("{\"Tokens\": {\"app\": {\"Secret\": \"s\", \"Role\": \"read\", \"Prefix\": 3}}}", "has a Prefix that is not a string")]
    [InlineData("{\"Tokens\": {\"my app\": {\"Secret\": \"s\", \"Role\": \"read\"}}}", "has a token named 'my app'")]
    public void A_token_file_is_checked_before_anything_starts(string content, string? expected)
    {
        string tokens = WriteTokenFile("tokens.json", content);

        string? error = Read(["--token-file", tokens]).Validate();

        if (expected is null) Assert.Null(error);
        else
        {
            Assert.StartsWith("--token-file: ", error);
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, tokens), error);
        }
    }

    [Fact]
    public void A_token_file_must_exist_and_must_not_name_a_token_auth_generates()
    {
        Assert.Equal("--token-file: there is no file /nonexistent/kvcluster/tokens.json.",
            Read(["--token-file", "/nonexistent/kvcluster/tokens.json"]).Validate());
        foreach (string name in new[] { "admin", "Client" })
        {
            string tokens = WriteTokenFile($"{name}.json", $$$"""{"Tokens": {"{{{name}}}": {"Secret": "s", "Role": "admin"} } }""");
            Assert.Null(Read(["--token-file", tokens]).Validate());
            Assert.Contains($"has a token named '{name}', the name of a token --auth generates (admin, client)", Read(["--auth", "--token-file", tokens]).Validate());
        }
    }

    private string WriteTokenFile(string name, string content)
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static ClusterSettings Read(string[] args)
    {
        Assert.True(ClusterArguments.TryTranslate(args, out var translated, out var error), error);
        return ClusterSettings.From(new ConfigurationBuilder().AddCommandLine(translated).Build());
    }
}
