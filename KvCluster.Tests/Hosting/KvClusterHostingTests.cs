using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;

namespace KvCluster.Tests.Hosting;

/// <summary>
/// AddKvCluster's model, built in a test builder and never started: the resources, the cluster's connection string and
/// what WithReference(kv) hands a service. The AppHost's own contract (flags, manifest) is KvCluster.Tests.AppHost's.
/// </summary>
public sealed class KvClusterHostingTests
{
    // A plain builder: the testing builder looks for an AppHost assembly (one with DCP's path) on the stack, and this
    // model is never built or started.
    private static IDistributedApplicationBuilder NewBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });

    // A cluster whose Redis is redis-server, whatever runtime the machine has: the probe would decide otherwise.
    private static ClusterSettings Executable() => new() { RedisMode = RedisMode.Executable };

    [Fact]
    public void The_cluster_has_redis_a_coordinator_and_three_nodes_and_its_connection_string_lists_the_nodes()
    {
        var builder = NewBuilder();

        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable());

        Assert.Equal(["coordinator", "node1", "node2", "node3"], builder.Resources.OfType<ProjectResource>().Select(r => r.Name));
        Assert.IsType<RedisServerResource>(Assert.Single(builder.Resources, r => r.Name == "redis"));
        Assert.Equal(["kv-internal-key", "redis-password"], builder.Resources.OfType<ParameterResource>().Select(r => r.Name));
        Assert.Equal([5100, 5101, 5102, 5103], builder.Resources.OfType<ProjectResource>().Select(HttpPort));
        Assert.Equal("Endpoints=http://127.0.0.1:{node1.bindings.http.port},http://127.0.0.1:{node2.bindings.http.port},http://127.0.0.1:{node3.bindings.http.port}",
            kv.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public void With_auth_the_connection_string_carries_the_client_token_not_the_admin_token_and_the_node_count_follows_WithNodes()
    {
        var builder = NewBuilder();

        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable()).WithNodes(5).WithAuth().WithNodes(2);

        Assert.Equal(["coordinator", "node1", "node2"], builder.Resources.OfType<ProjectResource>().Select(r => r.Name));
        Assert.Equal(["kv-internal-key", "redis-password", "kv-admin-token", "kv-client-token"],
            builder.Resources.OfType<ParameterResource>().Select(r => r.Name));
        Assert.All(builder.Resources.OfType<ParameterResource>(), parameter => Assert.True(parameter.Secret, parameter.Name));
        Assert.Equal("kv-admin-token", kv.Resource.AdminToken?.Name);
        Assert.Equal("kv-client-token", kv.Resource.ClientToken?.Name);
        Assert.Equal("Endpoints=http://127.0.0.1:{node1.bindings.http.port},http://127.0.0.1:{node2.bindings.http.port};Token={kv-client-token.value}",
            kv.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task With_auth_every_service_knows_the_admin_token_as_admin_and_the_client_token_as_write()
    {
        var builder = NewBuilder();
        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable()).WithNodes(1).WithAuth();

        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            var environment = await EnvironmentOf(service, builder.ExecutionContext);
            Assert.Same(kv.Resource.AdminToken, environment["Kv__Auth__Tokens__admin__Secret"]);
            Assert.Equal("admin", environment["Kv__Auth__Tokens__admin__Role"]);
            Assert.Same(kv.Resource.ClientToken, environment["Kv__Auth__Tokens__client__Secret"]);
            Assert.Equal("write", environment["Kv__Auth__Tokens__client__Role"]);
        }
    }

    [Fact]
    public async Task With_a_token_file_alone_the_cluster_generates_no_token_and_a_service_brings_its_own()
    {
        var builder = NewBuilder();
        var settings = Executable();
        settings.TokenFile = "tokens.json";

        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", settings).WithNodes(1);

        Assert.Equal(["kv-internal-key", "redis-password"], builder.Resources.OfType<ParameterResource>().Select(r => r.Name));
        Assert.Null(kv.Resource.AdminToken);
        Assert.Null(kv.Resource.ClientToken);
        Assert.Equal("Endpoints=http://127.0.0.1:{node1.bindings.http.port}", kv.Resource.ConnectionStringExpression.ValueExpression);
        var node = await EnvironmentOf(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "node1"), builder.ExecutionContext);
        Assert.Equal("true", node["Kv__Auth__Enabled"]);
        Assert.DoesNotContain(node.Keys, name => name.StartsWith("Kv__Auth__Tokens__", StringComparison.Ordinal));
    }

    [Fact]
    public void Spare_nodes_are_modelled_to_start_explicitly_and_stay_out_of_the_connection_string_and_ports_follow_the_base()
    {
        var builder = NewBuilder();

        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable()).WithNodes(1).WithSpareNodes(1).WithPortBase(5200);

        var nodes = builder.Resources.OfType<ProjectResource>().Where(r => r.Name.StartsWith("node", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["node1", "node2"], nodes.Select(r => r.Name));
        Assert.Empty(nodes[0].Annotations.OfType<ExplicitStartupAnnotation>());
        Assert.Single(nodes[1].Annotations.OfType<ExplicitStartupAnnotation>());
        Assert.Equal([5200, 5201, 5202], builder.Resources.OfType<ProjectResource>().Select(HttpPort));
        Assert.Equal("Endpoints=http://127.0.0.1:{node1.bindings.http.port}", kv.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task WithReference_hands_a_service_ConnectionStrings_kv()
    {
        var builder = NewBuilder();
        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable());
        var api = builder.AddProject<NodeProject>("api", launchProfileName: null).WithReference(kv);

        var environment = await EnvironmentOf(api.Resource, builder.ExecutionContext);

        var reference = Assert.IsType<ConnectionStringReference>(environment["ConnectionStrings__kv"]);
        Assert.Same(kv.Resource, reference.Resource);
    }

    [Fact]
    public async Task A_manifest_fills_ConnectionStrings_kv_from_the_node_endpoints_and_the_client_token()
    {
        var builder = NewBuilder("--publisher", "manifest", "--output-path", Path.GetTempPath());
        var kv = builder.AddKvCluster<NodeProject, CoordinatorProject>("kv").WithNodes(2);
        var api = builder.AddProject<NodeProject>("api", launchProfileName: null).WithReference(kv);

        var environment = await EnvironmentOf(api.Resource, builder.ExecutionContext);

        Assert.Equal("{kv.connectionString}", Assert.IsAssignableFrom<IManifestExpressionProvider>(environment["ConnectionStrings__kv"]).ValueExpression);
        // A deployment always has token mode on, with generated tokens; a service gets the client token.
        Assert.Equal("Endpoints={node1.bindings.http.url},{node2.bindings.http.url};Token={kv-client-token.value}",
            kv.Resource.ConnectionStringExpression.ValueExpression);
        var node = await EnvironmentOf(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "node1"), builder.ExecutionContext);
        Assert.Equal("{redis.connectionString}", Assert.IsAssignableFrom<IManifestExpressionProvider>(node["ConnectionStrings__redis"]).ValueExpression);
        Assert.Equal("node-1", node["Kv__NodeId"]);
    }

    [Fact]
    public async Task A_Redis_resource_of_the_AppHost_is_every_services_ConnectionStrings_redis_and_no_private_one_is_added()
    {
        var builder = NewBuilder("--publisher", "manifest", "--output-path", Path.GetTempPath());
        var cache = builder.AddRedis("cache");

        builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", cache).WithNodes(1);

        Assert.DoesNotContain(builder.Resources, r => r.Name is "redis" or "redis-password");
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            var environment = await EnvironmentOf(service, builder.ExecutionContext);
            Assert.Same(cache.Resource, Assert.IsType<ConnectionStringReference>(environment["ConnectionStrings__redis"]).Resource);
        }
    }

    [Fact]
    public void An_AppHost_holds_one_cluster()
    {
        var builder = NewBuilder();
        builder.AddKvCluster<NodeProject, CoordinatorProject>("kv", Executable());

        Assert.Throws<InvalidOperationException>(() => builder.AddKvCluster<NodeProject, CoordinatorProject>("kv2", Executable()));
    }

    [Fact]
    public void Without_project_types_and_without_the_package_AddKvCluster_says_what_to_do()
    {
        var builder = NewBuilder();

        var refusal = Assert.Throws<InvalidOperationException>(() => builder.AddKvCluster("kv", Executable()));

        Assert.Contains("KvCluster.Hosting package", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("AddKvCluster<Projects.KvCluster_Node, Projects.KvCluster_Coordinator>", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_project_types_the_services_run_with_dotnet_from_their_folders_on_loopback()
    {
        string services = Path.Combine(Path.GetTempPath(), "kvcluster-services-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            foreach (var (folder, assembly) in new[] { ("coordinator", "KvCluster.Coordinator.dll"), ("node", "KvCluster.Node.dll") })
            {
                Directory.CreateDirectory(Path.Combine(services, folder));
                await File.WriteAllTextAsync(Path.Combine(services, folder, assembly), "");
            }
            var settings = Executable();
            settings.ServicesDirectory = services;
            var builder = NewBuilder();

            var kv = builder.AddKvCluster("kv", settings).WithNodes(2).WithPortBase(5300);

            var executables = builder.Resources.OfType<ExecutableResource>().Where(r => r is not RedisServerResource).ToArray();
            Assert.Equal(["coordinator", "node1", "node2"], executables.Select(r => r.Name));
            Assert.All(executables, r => Assert.Equal("dotnet", r.Command));
            Assert.Equal(Path.Combine(services, "node"), executables[2].WorkingDirectory);
            Assert.Equal([5300, 5301, 5302], executables.Select(HttpPort));
            var environment = await EnvironmentOf(executables[2], builder.ExecutionContext);
            Assert.Equal("node-2", environment["Kv__NodeId"]);
            Assert.Equal("http://127.0.0.1:{node2.bindings.http.targetPort}", Assert.IsType<ReferenceExpression>(environment["ASPNETCORE_URLS"]).ValueExpression);
            Assert.Equal("Endpoints=http://127.0.0.1:{node1.bindings.http.port},http://127.0.0.1:{node2.bindings.http.port}",
                kv.Resource.ConnectionStringExpression.ValueExpression);
        }
        finally
        {
            Directory.Delete(services, recursive: true);
        }
    }

    // The service's environment as its callbacks make it, references unresolved: nothing here is started.
    private static async Task<Dictionary<string, object>> EnvironmentOf(IResource resource, DistributedApplicationExecutionContext executionContext)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource, new Dictionary<string, object>());
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return context.EnvironmentVariables;
    }

    private static int? HttpPort(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == "http").Port;

    // What the AppHost SDK generates as Projects.KvCluster_Node and Projects.KvCluster_Coordinator in an AppHost.
    private sealed class NodeProject : IProjectMetadata
    {
        public string ProjectPath => Project("KvCluster.Node");
    }

    private sealed class CoordinatorProject : IProjectMetadata
    {
        public string ProjectPath => Project("KvCluster.Coordinator");
    }

    private static string Project(string name)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "KvCluster.sln"))) root = root.Parent;
        return Path.Combine(root?.FullName ?? throw new InvalidOperationException("No KvCluster.sln above the tests."), name, name + ".csproj");
    }
}
