using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Adds a KvCluster, the whole of it, to an Aspire AppHost.</summary>
/// <remarks>
/// <c>builder.AddKvCluster("kv")</c> runs the coordinator and node builds this package carries (<see cref="ServiceBuilds"/>).
/// An AppHost that references the KvCluster.Node and KvCluster.Coordinator projects (the sample's) passes their
/// <c>Projects.*</c> types instead, which the AppHost SDK generates from its project references:
/// <c>builder.AddKvCluster&lt;Projects.KvCluster_Node, Projects.KvCluster_Coordinator&gt;("kv")</c>.
/// </remarks>
public static class KvClusterBuilderExtensions
{
    /// <summary>
    /// Adds a KvCluster: its private Redis (a container where a container runtime is healthy and always when publishing,
    /// else redis-server from PATH; or the Redis <see cref="ClusterSettings.Redis"/> names), its secrets, the coordinator
    /// and the nodes, each service on its own fixed port, restarted when it crashes, with <c>{state-dir}/endpoints.json</c>
    /// kept up to date. The coordinator and nodes are the builds the KvCluster.Hosting package carries, run with
    /// <c>dotnet</c> (the ASP.NET Core runtime) and built from their Dockerfiles when publishing. The resources keep fixed
    /// names (<c>redis</c>, <c>coordinator</c>, <c>node1</c>…), so an AppHost holds one cluster.
    /// </summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The cluster's resource name, the connection name services read (<c>ConnectionStrings:{name}</c>).</param>
    /// <param name="settings">The settings to start from; the defaults when null.</param>
    /// <returns>The cluster's builder, whose <c>With…</c> methods change the settings.</returns>
    public static IResourceBuilder<KvClusterResource> AddKvCluster(this IDistributedApplicationBuilder builder,
        [ResourceName] string name, ClusterSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        settings ??= new ClusterSettings();
        return builder.AddKvClusterCore(name, redis: null, settings, FromBuilds(builder, settings));
    }

    /// <summary>
    /// Adds a KvCluster, as <see cref="AddKvCluster(IDistributedApplicationBuilder, string, ClusterSettings?)"/>, on a Redis
    /// the AppHost already has (<c>builder.AddRedis("cache")</c>): every service gets its connection string as
    /// <c>ConnectionStrings__redis</c> and waits for it. The cluster's settings for a private Redis are then unused; keep that
    /// Redis's snapshots off and its AOF on, or acknowledged writes can be lost when it restarts.
    /// </summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The cluster's resource name, the connection name services read (<c>ConnectionStrings:{name}</c>).</param>
    /// <param name="redis">The Redis that holds the cluster's log.</param>
    /// <param name="settings">The settings to start from; the defaults when null.</param>
    /// <returns>The cluster's builder.</returns>
    public static IResourceBuilder<KvClusterResource> AddKvCluster(this IDistributedApplicationBuilder builder,
        [ResourceName] string name, IResourceBuilder<IResourceWithConnectionString> redis, ClusterSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        settings = OnGivenRedis(redis, settings);
        return builder.AddKvClusterCore(name, redis, settings, FromBuilds(builder, settings));
    }

    /// <summary>
    /// Adds a KvCluster: its private Redis (a container where a container runtime is healthy and always when publishing,
    /// else redis-server from PATH; or the Redis <see cref="ClusterSettings.Redis"/> names), its secrets, the coordinator
    /// and the nodes, each service on its own fixed port, restarted when it crashes, with <c>{state-dir}/endpoints.json</c>
    /// kept up to date. The resources keep fixed names (<c>redis</c>, <c>coordinator</c>, <c>node1</c>…), so an AppHost
    /// holds one cluster.
    /// </summary>
    /// <typeparam name="TNode">The KvCluster.Node project (<c>Projects.KvCluster_Node</c>).</typeparam>
    /// <typeparam name="TCoordinator">The KvCluster.Coordinator project (<c>Projects.KvCluster_Coordinator</c>).</typeparam>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The cluster's resource name, the connection name services read (<c>ConnectionStrings:{name}</c>).</param>
    /// <param name="settings">The settings to start from (the AppHost binds them from its <c>Kv</c> configuration); the defaults when null.</param>
    /// <returns>The cluster's builder, whose <c>With…</c> methods change the settings.</returns>
    public static IResourceBuilder<KvClusterResource> AddKvCluster<TNode, TCoordinator>(this IDistributedApplicationBuilder builder,
        [ResourceName] string name, ClusterSettings? settings = null)
        where TNode : IProjectMetadata, new()
        where TCoordinator : IProjectMetadata, new() =>
        builder.AddKvClusterCore(name, redis: null, settings ?? new ClusterSettings(), FromProjects<TNode, TCoordinator>(builder));

    /// <summary>
    /// Adds a KvCluster, as <see cref="AddKvCluster{TNode, TCoordinator}(IDistributedApplicationBuilder, string, ClusterSettings?)"/>,
    /// on a Redis the AppHost already has (<c>builder.AddRedis("cache")</c>): every service gets its connection string as
    /// <c>ConnectionStrings__redis</c> and waits for it. The cluster's settings for a private Redis are then unused; keep that
    /// Redis's snapshots off and its AOF on, or acknowledged writes can be lost when it restarts.
    /// </summary>
    /// <typeparam name="TNode">The KvCluster.Node project (<c>Projects.KvCluster_Node</c>).</typeparam>
    /// <typeparam name="TCoordinator">The KvCluster.Coordinator project (<c>Projects.KvCluster_Coordinator</c>).</typeparam>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The cluster's resource name, the connection name services read (<c>ConnectionStrings:{name}</c>).</param>
    /// <param name="redis">The Redis that holds the cluster's log.</param>
    /// <param name="settings">The settings to start from; the defaults when null.</param>
    /// <returns>The cluster's builder.</returns>
    public static IResourceBuilder<KvClusterResource> AddKvCluster<TNode, TCoordinator>(this IDistributedApplicationBuilder builder,
        [ResourceName] string name, IResourceBuilder<IResourceWithConnectionString> redis, ClusterSettings? settings = null)
        where TNode : IProjectMetadata, new()
        where TCoordinator : IProjectMetadata, new()
    {
        settings = OnGivenRedis(redis, settings);
        return builder.AddKvClusterCore(name, redis, settings, FromProjects<TNode, TCoordinator>(builder));
    }

    private static ClusterSettings OnGivenRedis(IResourceBuilder<IResourceWithConnectionString> redis, ClusterSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(redis);
        settings ??= new ClusterSettings();
        if (settings.Redis is not null) throw new ArgumentException("Give the cluster a Redis resource or a Redis connection string (ClusterSettings.Redis), not both.", nameof(settings));
        return settings;
    }

    // How a service is added: as one of the AppHost's projects, or from a build (the package's, or the AppHost's projects' outputs).
    private static Func<string, ClusterService, IResourceBuilder<ProjectResource>> FromProjects<TNode, TCoordinator>(IDistributedApplicationBuilder builder)
        where TNode : IProjectMetadata, new()
        where TCoordinator : IProjectMetadata, new() =>
        (name, service) => service == ClusterService.Node
            ? builder.AddProject<TNode>(name, launchProfileName: null)
            : builder.AddProject<TCoordinator>(name, launchProfileName: null);

    private static Func<string, ClusterService, IResourceBuilder<ExecutableResource>> FromBuilds(IDistributedApplicationBuilder builder, ClusterSettings settings)
    {
        var (coordinator, node) = ServiceBuilds.Locate(builder, settings);
        return (name, service) => ServiceBuilds.Add(builder, name, service == ClusterService.Node ? node : coordinator);
    }

    private static IResourceBuilder<KvClusterResource> AddKvClusterCore<TService>(this IDistributedApplicationBuilder builder,
        string name, IResourceBuilder<IResourceWithConnectionString>? redis, ClusterSettings settings,
        Func<string, ClusterService, IResourceBuilder<TService>> addService)
        where TService : class, IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (builder.Resources.OfType<KvClusterResource>().FirstOrDefault() is { } existing)
            throw new InvalidOperationException($"This AppHost has a KvCluster already ('{existing.Name}'): its resources have fixed names, so there is one a host.");

        // A cluster started from a script's background job must stop on SIGINT like the rest (InterruptSignal).
        if (builder.ExecutionContext.IsRunMode) InterruptSignal.RestoreDefault();
        var cluster = new KvClusterResource(name, settings, builder.ExecutionContext);
        bool privateRedis = redis is null && settings.Redis is null;
        if (privateRedis) settings.RedisMode = ClusterRedis.ChooseMode(builder.ExecutionContext, settings.RedisMode);
        cluster.Secrets = builder.AddClusterSecrets(settings, privateRedis);
        cluster.RedisBuilder = redis ?? builder.AddClusterRedis(settings, cluster.Secrets.RedisPassword);
        cluster.CoordinatorBuilder = addService(ClusterServices.CoordinatorName, ClusterService.Coordinator).AsCoordinator(builder, cluster);
        cluster.AddNode = index =>
        {
            var node = addService(ClusterServices.NodeResourceName(index), ClusterService.Node).AsNode(builder, index, cluster)
                .WithParentRelationship(cluster);
            if (builder.ExecutionContext.IsRunMode) builder.Eventing.Subscribe<ResourceReadyEvent>(node.Resource, cluster.NodeReadyAsync);
            return node;
        };
        ClusterNodes.Sync(builder, cluster);
        cluster.CoordinatorBuilder.WithParentRelationship(cluster);
        if (privateRedis) cluster.RedisBuilder.WithParentRelationship(cluster);

        if (builder.ExecutionContext.IsRunMode) builder.AddLocalRun(cluster);
        return builder.AddResource(cluster)
            .WithIconName("DatabaseMultiple")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "KvCluster",
                State = KnownResourceStates.Starting,
                Properties = [],
            })
            // A value with the connection string, as AddConnectionString's resources are: azd fills in the node URLs.
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(cluster);
            });
    }

    // What only a local run has: the checks before anything starts, crash restarts and endpoints.json.
    private static void AddLocalRun(this IDistributedApplicationBuilder builder, KvClusterResource cluster)
    {
        builder.Services.AddSingleton(cluster);
        builder.Services.AddSingleton<CrashRestarter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CrashRestarter>());
        builder.Services.AddHostedService<EndpointsFileWriter>();

        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            // The With… methods may have changed the settings since the AppHost checked them.
            if ((cluster.Settings.Validate() ?? LocalStart.Prepare(cluster.Settings, cluster.HasPrivateRedis)) is { } problem)
                throw new DistributedApplicationException(problem);
            return Task.CompletedTask;
        });
    }
}
