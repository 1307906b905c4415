using System.Collections;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// The coordinator and the nodes, each on its own fixed port (docs/architecture.md §5): the AppHost's projects, or the
/// builds the KvCluster.Hosting package carries (<see cref="ServiceBuilds"/>).
/// </summary>
public static class ClusterServices
{
    /// <summary>The coordinator's resource name.</summary>
    public const string CoordinatorName = "coordinator";
    /// <summary>The path every service answers its health on.</summary>
    public const string HealthPath = "/health";

    /// <summary>"node1": a resource name becomes part of variable names (services__node1__http__0), so it has no dash.</summary>
    public static string NodeResourceName(int index) => "node" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>"node-1": the node's id in the log, in membership and on /v1/cluster.</summary>
    public static string NodeId(int index) => "node-" + index.ToString(CultureInfo.InvariantCulture);

    internal static IResourceBuilder<TService> AsCoordinator<TService>(this IResourceBuilder<TService> coordinator,
        IDistributedApplicationBuilder builder, KvClusterResource cluster)
        where TService : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport =>
        coordinator
            .WithServiceEndpoint(builder, cluster.Settings.PortBase)
            .WithClusterDefaults(builder, cluster);

    internal static IResourceBuilder<TService> AsNode<TService>(this IResourceBuilder<TService> node, IDistributedApplicationBuilder builder,
        int index, KvClusterResource cluster)
        where TService : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        node.WithServiceEndpoint(builder, cluster.Settings.NodePort(index))
            .WithClusterDefaults(builder, cluster)
            // services__coordinator__http__0: through the endpoint, which a packaged (executable) coordinator has too.
            .WithReference(cluster.CoordinatorBuilder!.Resource.GetEndpoint("http"))
            .WaitFor(cluster.CoordinatorBuilder!)
            .WithEnvironment("Kv__NodeId", NodeId(index))
            .WithNodeCommands(() => cluster.AdminToken);
        if (builder.ExecutionContext.IsRunMode)
        {
            node.WithEnvironment(context => context.EnvironmentVariables["Kv__DataDir"] = Path.Combine(cluster.Settings.StateDirectory, NodeId(index)));
        }
        else
        {
            // Clients talk to the nodes; the coordinator and Redis stay inside the environment.
            node.WithExternalHttpEndpoints();
        }
        return node;
    }

    /// <summary>Moves a local service's endpoint to <paramref name="port"/> (WithPortBase after the cluster was added).</summary>
    internal static void MoveEndpoint(IResource service, int port)
    {
        foreach (var endpoint in service.Annotations.OfType<EndpointAnnotation>().Where(e => e.Name == "http"))
        {
            endpoint.Port = port;
            endpoint.TargetPort = port;
        }
    }

    // Locally each service listens on its fixed port itself, so DCP adds no proxy hop to a request; on IPv4 loopback
    // alone, as redis-server does, so its URL (in membership and the kevinDB view) names one address. Aspire tells a
    // project where to listen; a packaged service (an executable, a container when publishing) is told here.
    private static IResourceBuilder<TService> WithServiceEndpoint<TService>(this IResourceBuilder<TService> service,
        IDistributedApplicationBuilder builder, int port) where TService : IResourceWithEnvironment, IResourceWithEndpoints
    {
        bool project = service.Resource is ProjectResource;
        if (builder.ExecutionContext.IsPublishMode)
            return project ? service.WithHttpEndpoint() : service.WithHttpEndpoint(targetPort: ServiceBuilds.ContainerPort, env: "ASPNETCORE_HTTP_PORTS");
        service.WithHttpEndpoint(port: port, isProxied: false).WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1");
        if (!project)
        {
            var endpoint = service.Resource.GetEndpoint("http");
            service.WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"));
        }
        return service;
    }

    // The settings are read when the environment is made (at start, or when the manifest is written), so the cluster
    // builder's With… methods reach every service whenever they are called.
    private static IResourceBuilder<TService> WithClusterDefaults<TService>(this IResourceBuilder<TService> service,
        IDistributedApplicationBuilder builder, KvClusterResource cluster)
        where TService : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        var redis = cluster.RedisBuilder!;
        var settings = cluster.Settings;
        // The services read ConnectionStrings:redis, whatever the name of a Redis the caller gave.
        service.WithReference(redis, connectionName: ClusterRedis.ResourceName)
            .WithHttpHealthCheck(HealthPath)
            .WithClientTokens(cluster)
            .WithEnvironment("Kv__InternalKey", cluster.Secrets!.InternalKey)
            // Every service of one cluster must use the same keys; unset, each uses its own default (the same one).
            .WithEnvironment(context =>
            {
                if (settings.KeyPrefix is { } keyPrefix)
                    context.EnvironmentVariables["Kv__KeyPrefix"] = context.ExecutionContext.IsPublishMode ? ManifestLiteral(keyPrefix) : keyPrefix;
            });
        // A Redis given as a connection string is not started here, so there is nothing to wait for.
        if (settings.Redis is null) service.WaitFor(redis);
        if (builder.ExecutionContext.IsRunMode)
        {
            // A service whose AppHost is gone stops by itself, even if DCP could not stop it.
            service.WithEnvironment("Kv__SupervisorPid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            // Files on this machine: only a local run's services can read them (the AppHost refuses them when publishing).
            service.WithEnvironment(context =>
            {
                if (settings.RedisCaFilePath is { } caFile) context.EnvironmentVariables["Kv__RedisCaFile"] = caFile;
                if (settings.TokenFilePath is { } tokenFile) context.EnvironmentVariables["Kv__Auth__TokenFile"] = tokenFile;
                if (settings.NoDashboard) CopyOtlpExporterFromEnvironment(context.EnvironmentVariables);
            });
        }
        return service;
    }

    // Token mode: every client request needs `Authorization: Bearer <token>`. Off locally without --auth or --token-file
    // (the services then listen on loopback alone); always on in a deployment.
    private static IResourceBuilder<TService> WithClientTokens<TService>(this IResourceBuilder<TService> service, KvClusterResource cluster)
        where TService : IResourceWithEnvironment =>
        service.WithEnvironment(context =>
        {
            if (!cluster.Settings.TokenModeIn(context.ExecutionContext)) return;
            context.EnvironmentVariables["Kv__Auth__Enabled"] = "true";
            foreach (var (name, token, role) in new[]
            {
                (ClusterSecrets.AdminTokenName, cluster.AdminToken, "admin"),
                (ClusterSecrets.ClientTokenName, cluster.ClientToken, ClusterSecrets.ClientTokenRole),
            })
            {
                if (token is null) continue;
                string prefix = $"Kv__Auth__Tokens__{name}__";
                context.EnvironmentVariables[prefix + "Secret"] = token;
                context.EnvironmentVariables[prefix + "Role"] = role;
            }
        });

    // azd reads "{resource.property}" in a manifest's values as a reference and "{{" and "}}" as braces: a hash tag such
    // as {kv}: has to reach it escaped.
    private static string ManifestLiteral(string value) =>
        value.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    // Without the dashboard nothing tells the services where to export: the AppHost's own OTEL_* settings do
    // (endpoint, protocol, headers, intervals), while each service keeps the name Aspire gives it.
    private static void CopyOtlpExporterFromEnvironment(Dictionary<string, object> environment)
    {
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && variable.Value is string value && name.StartsWith("OTEL_", StringComparison.Ordinal)
                && name is not ("OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES"))
            {
                environment[name] = value;
            }
        }
        // Aspire points every project at the dashboard's OTLP endpoint even when there is no dashboard. Nothing listens
        // there, and each service then spent some 8 s at every stop flushing to it, past the time DCP waits for a stop.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        }
    }
}
