using System.Collections;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace KvCluster.AppHost.Cluster;

/// <summary>The coordinator and the nodes as project resources, each on its own fixed port (docs/architecture.md §5).</summary>
public static class ClusterServices
{
    public const string CoordinatorName = "coordinator";
    public const string HealthPath = "/health";

    /// <summary>"node1": a resource name becomes part of variable names (services__node1__http__0), so it has no dash.</summary>
    public static string NodeResourceName(int index) => "node" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>"node-1": the node's id in the log, in membership and on /v1/cluster.</summary>
    public static string NodeId(int index) => "node-" + index.ToString(CultureInfo.InvariantCulture);

    public static IResourceBuilder<ProjectResource> AddCoordinator(this IDistributedApplicationBuilder builder,
        ClusterSettings settings, ClusterSecrets secrets, IResourceBuilder<IResourceWithConnectionString> redis) =>
        builder.AddProject<Projects.KvCluster_Coordinator>(CoordinatorName, launchProfileName: null)
            .WithServiceEndpoint(builder, settings.PortBase)
            .WithClusterDefaults(builder, settings, secrets, redis);

    public static IResourceBuilder<ProjectResource> AddNode(this IDistributedApplicationBuilder builder, int index,
        ClusterSettings settings, ClusterSecrets secrets, IResourceBuilder<IResourceWithConnectionString> redis,
        IResourceBuilder<ProjectResource> coordinator)
    {
        var node = builder.AddProject<Projects.KvCluster_Node>(NodeResourceName(index), launchProfileName: null)
            .WithServiceEndpoint(builder, settings.NodePort(index))
            .WithClusterDefaults(builder, settings, secrets, redis)
            .WithReference(coordinator)
            .WaitFor(coordinator)
            .WithEnvironment("Kv__NodeId", NodeId(index))
            .WithNodeCommands(secrets.AdminToken?.Resource);
        if (builder.ExecutionContext.IsRunMode)
        {
            node.WithEnvironment("Kv__DataDir", Path.Combine(settings.StateDirectory, NodeId(index)));
        }
        else
        {
            // Clients talk to the nodes; the coordinator and Redis stay inside the environment.
            node.WithExternalHttpEndpoints();
        }
        return node;
    }

    // Locally each service listens on its fixed port itself, so DCP adds no proxy hop to a request; on IPv4 loopback
    // alone, as redis-server does, so its URL (in membership and the kevinDB view) names one address.
    private static IResourceBuilder<ProjectResource> WithServiceEndpoint(this IResourceBuilder<ProjectResource> service,
        IDistributedApplicationBuilder builder, int port) =>
        builder.ExecutionContext.IsRunMode
            ? service.WithHttpEndpoint(port: port, isProxied: false).WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1")
            : service.WithHttpEndpoint();

    private static IResourceBuilder<ProjectResource> WithClusterDefaults(this IResourceBuilder<ProjectResource> service,
        IDistributedApplicationBuilder builder, ClusterSettings settings, ClusterSecrets secrets, IResourceBuilder<IResourceWithConnectionString> redis)
    {
        service.WithReference(redis)
            .WithHttpHealthCheck(HealthPath)
            .WithClientTokens(builder, settings, secrets)
            .WithEnvironment("Kv__InternalKey", secrets.InternalKey);
        // Every service of one cluster must use the same keys; unset, each uses its own default (the same one).
        if (settings.KeyPrefix is { } keyPrefix)
        {
            service.WithEnvironment("Kv__KeyPrefix", builder.ExecutionContext.IsPublishMode ? ManifestLiteral(keyPrefix) : keyPrefix);
        }
        // A Redis the user named is not started here, so there is nothing to wait for.
        if (redis.Resource is RedisResource or RedisServerResource) service.WaitFor(redis);
        if (builder.ExecutionContext.IsRunMode)
        {
            // A service whose AppHost is gone stops by itself, even if DCP could not stop it.
            service.WithEnvironment("Kv__SupervisorPid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            // Files on this machine: only a local run's services can read them (Program.cs refuses them when publishing).
            if (settings.RedisCaFilePath is { } caFile) service.WithEnvironment("Kv__RedisCaFile", caFile);
            if (settings.TokenFilePath is { } tokenFile) service.WithEnvironment("Kv__Auth__TokenFile", tokenFile);
            if (builder.Configuration.GetValue<bool>("Kv:NoDashboard")) service.WithOtlpExporterFromEnvironment();
        }
        return service;
    }

    // Token mode: every client request needs `Authorization: Bearer <token>`. Off locally without --auth or --token-file
    // (the services then listen on loopback alone); always on in a deployment.
    private static IResourceBuilder<ProjectResource> WithClientTokens(this IResourceBuilder<ProjectResource> service,
        IDistributedApplicationBuilder builder, ClusterSettings settings, ClusterSecrets secrets)
    {
        if (!settings.TokenModeIn(builder.ExecutionContext)) return service;
        service.WithEnvironment("Kv__Auth__Enabled", "true");
        if (secrets.AdminToken is { } adminToken)
        {
            string prefix = $"Kv__Auth__Tokens__{ClusterSecrets.AdminTokenName}__";
            service.WithEnvironment(prefix + "Secret", adminToken)
                .WithEnvironment(prefix + "Role", "admin");
        }
        return service;
    }

    // azd reads "{resource.property}" in a manifest's values as a reference and "{{" and "}}" as braces: a hash tag such
    // as {kv}: has to reach it escaped.
    private static string ManifestLiteral(string value) =>
        value.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    // Without the dashboard nothing tells the services where to export: the AppHost's own OTEL_* settings do
    // (endpoint, protocol, headers, intervals), while each service keeps the name Aspire gives it.
    private static IResourceBuilder<ProjectResource> WithOtlpExporterFromEnvironment(this IResourceBuilder<ProjectResource> service)
    {
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && variable.Value is string value && name.StartsWith("OTEL_", StringComparison.Ordinal)
                && name is not ("OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES"))
            {
                service.WithEnvironment(name, value);
            }
        }
        // Aspire points every project at the dashboard's OTLP endpoint even when there is no dashboard. Nothing listens
        // there, and each service then spent some 8 s at every stop flushing to it, past the time DCP waits for a stop.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            service.WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
        return service;
    }
}
