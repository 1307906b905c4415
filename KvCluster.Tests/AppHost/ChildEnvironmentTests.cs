using KvCluster.AppHost.Local;

namespace KvCluster.Tests.AppHost;

/// <summary>The children read their settings under the names .NET Aspire uses; a wrong name is a node that cannot find Redis.</summary>
public sealed class ChildEnvironmentTests
{
    private static readonly Uri CoordinatorUrl = new("http://127.0.0.1:5100");

    private static readonly ChildDefinition Node2 =
        new("node-2", new Uri("http://127.0.0.1:5102"), "/state/node-2", IsNode: true);

    private static readonly ChildDefinition Coordinator =
        new("coordinator", CoordinatorUrl, "/state/coordinator", IsNode: false);

    private static readonly Dictionary<string, string> NoVariables = [];

    [Fact]
    public void A_node_gets_the_Aspire_configuration_names()
    {
        var environment = ChildEnvironment.Build(Node2, "127.0.0.1:6390", CoordinatorUrl, 4242, NoVariables, NoVariables);

        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__redis"]);
        Assert.Equal("http://127.0.0.1:5100", environment["services__coordinator__http__0"]);
        Assert.Equal("http://127.0.0.1:5102", environment["ASPNETCORE_URLS"]);
        Assert.Equal("node-2", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=node-2", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("node-2", environment["Kv__NodeId"]);
        Assert.Equal("/state/node-2", environment["Kv__DataDir"]);
        Assert.Equal("4242", environment["Kv__SupervisorPid"]);
    }

    [Fact]
    public void The_coordinator_gets_no_node_settings()
    {
        var environment = ChildEnvironment.Build(Coordinator, "127.0.0.1:6390", CoordinatorUrl, 4242, NoVariables, NoVariables);

        Assert.Equal("http://127.0.0.1:5100", environment["ASPNETCORE_URLS"]);
        Assert.Equal("coordinator", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__redis"]);
        Assert.DoesNotContain("Kv__NodeId", environment.Keys);
        Assert.DoesNotContain("Kv__DataDir", environment.Keys);
        Assert.DoesNotContain("services__coordinator__http__0", environment.Keys);
    }

    [Fact]
    public void Inherited_settings_pass_through_unless_they_contradict_the_cluster()
    {
        var inherited = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-key=1",
            ["Kv__NodeId"] = "node-from-my-shell",
            ["KV__DATADIR"] = "/somewhere/else",
            ["ASPNETCORE_HTTP_PORTS"] = "8080",
            ["ConnectionStrings__redis"] = "prod:6379",
            ["OTEL_SERVICE_NAME"] = "apphost",
        };

        var environment = ChildEnvironment.Build(Node2, "127.0.0.1:6390", CoordinatorUrl, 1, inherited, NoVariables);

        Assert.Equal("/usr/bin", environment["PATH"]);
        Assert.Equal("http://collector:4317", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("x-key=1", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("node-2", environment["Kv__NodeId"]);
        Assert.DoesNotContain("KV__DATADIR", environment.Keys);
        Assert.DoesNotContain("ASPNETCORE_HTTP_PORTS", environment.Keys);
        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__redis"]);
        Assert.Equal("node-2", environment["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void No_OTLP_endpoint_is_invented_when_none_is_set()
    {
        var environment = ChildEnvironment.Build(Node2, "127.0.0.1:6390", CoordinatorUrl, 1, NoVariables, NoVariables);

        Assert.DoesNotContain(environment.Keys, name => name.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal));
    }

    [Fact]
    public void Per_cluster_extra_variables_win()
    {
        var extra = new Dictionary<string, string> { ["Kv__MaxValueBytes"] = "1024", ["ASPNETCORE_URLS"] = "http://127.0.0.1:1" };

        var environment = ChildEnvironment.Build(Node2, "127.0.0.1:6390", CoordinatorUrl, 1, NoVariables, extra);

        Assert.Equal("1024", environment["Kv__MaxValueBytes"]);
        Assert.Equal("http://127.0.0.1:1", environment["ASPNETCORE_URLS"]);
    }
}
