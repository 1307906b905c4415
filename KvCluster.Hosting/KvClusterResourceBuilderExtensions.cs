using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// The cluster's options, each a method on its builder (the AppHost's flags of the same names, docs/architecture.md §5).
/// They change <see cref="KvClusterResource.Settings"/>, which the services' environment and Redis's command line are
/// made from when they start (or when the manifest is written).
/// </summary>
public static class KvClusterResourceBuilderExtensions
{
    /// <summary>Node replicas the cluster starts with (<c>--nodes</c>): <c>node1</c>…<c>nodeN</c>, node-i on the port base + i.</summary>
    public static IResourceBuilder<KvClusterResource> WithNodes(this IResourceBuilder<KvClusterResource> builder, int nodes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        builder.Resource.Settings.Nodes = nodes;
        ClusterNodes.Sync(builder.ApplicationBuilder, builder.Resource);
        return builder;
    }

    /// <summary>
    /// Further nodes that start only when started from the dashboard (<c>--spare-nodes</c>): how a node joins a running
    /// cluster. Local runs only; a deployment has the nodes it runs.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithSpareNodes(this IResourceBuilder<KvClusterResource> builder, int spareNodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spareNodes);
        builder.Resource.Settings.SpareNodes = spareNodes;
        ClusterNodes.Sync(builder.ApplicationBuilder, builder.Resource);
        return builder;
    }

    /// <summary>The coordinator's port, node-i listening on <paramref name="portBase"/> + i (<c>--port-base</c>; local runs).</summary>
    public static IResourceBuilder<KvClusterResource> WithPortBase(this IResourceBuilder<KvClusterResource> builder, int portBase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(portBase, 1);
        var cluster = builder.Resource;
        cluster.Settings.PortBase = portBase;
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            ClusterServices.MoveEndpoint(cluster.Coordinator, portBase);
            for (int index = 1; index <= cluster.AllNodes.Count; index++)
                ClusterServices.MoveEndpoint(cluster.AllNodes[index - 1].Resource, cluster.Settings.NodePort(index));
        }
        return builder;
    }

    /// <summary>The private Redis's port on 127.0.0.1 (<c>--redis-port</c>; local runs).</summary>
    public static IResourceBuilder<KvClusterResource> WithRedisPort(this IResourceBuilder<KvClusterResource> builder, int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        builder.Resource.Settings.RedisPort = port;
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && builder.Resource.HasPrivateRedis) ClusterRedis.MoveEndpoint(builder.Resource.Redis, port);
        return builder;
    }

    /// <summary>
    /// Where a local run keeps redis-server's AOF, the nodes' data and endpoints.json (<c>--state-dir</c>); relative to
    /// the current directory.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithStateDirectory(this IResourceBuilder<KvClusterResource> builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var settings = builder.Resource.Settings;
        settings.StateDir = path;
        if (builder.Resource.Redis is RedisServerResource redisServer)
            builder.ApplicationBuilder.CreateResourceBuilder(redisServer).WithDataDirectory(ClusterRedis.RedisDataDirectory(settings));
        return builder;
    }

    /// <summary>Wipes the state directory before a local run starts (<c>--fresh</c>).</summary>
    public static IResourceBuilder<KvClusterResource> WithFreshState(this IResourceBuilder<KvClusterResource> builder)
    {
        builder.Resource.Settings.Fresh = true;
        return builder;
    }

    /// <summary>
    /// The private Redis's <c>appendfsync</c> (<c>--fsync</c>): "always" loses no acknowledged write when Redis crashes,
    /// "everysec" (the default) up to about a second of them.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithFsync(this IResourceBuilder<KvClusterResource> builder, string policy)
    {
        if (!ClusterSettings.FsyncPolicies.Contains(policy))
            throw new ArgumentException($"The fsync policy must be one of {string.Join(", ", ClusterSettings.FsyncPolicies)} (got '{policy}').", nameof(policy));
        builder.Resource.Settings.Fsync = policy;
        return builder;
    }

    /// <summary>The prefix of every Redis key the services use (<c>--key-prefix</c>); unset, their default <c>{kv}:</c>.</summary>
    public static IResourceBuilder<KvClusterResource> WithKeyPrefix(this IResourceBuilder<KvClusterResource> builder, string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        builder.Resource.Settings.KeyPrefix = prefix;
        return builder;
    }

    /// <summary>
    /// Clients need a token (<c>--auth</c>): a generated admin token (the parameter <c>kv-admin-token</c>), which
    /// endpoints.json carries as <c>token</c> and the dashboard's commands send, and a generated client token with role
    /// write (<c>kv-client-token</c>), which the cluster's connection string carries as <c>;Token=</c>. Always on when publishing.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithAuth(this IResourceBuilder<KvClusterResource> builder)
    {
        var cluster = builder.Resource;
        cluster.Settings.Auth = true;
        if (cluster.Secrets is { AdminToken: null } secrets)
        {
            cluster.Secrets = secrets with
            {
                AdminToken = builder.ApplicationBuilder.AddAdminToken(),
                ClientToken = builder.ApplicationBuilder.AddClientToken(),
            };
        }
        return builder;
    }

    /// <summary>
    /// Clients need a token, one of those in the JSON file at <paramref name="path"/> (<c>--token-file</c>), which the
    /// services read (and read again when it changes). Local runs only: a deployed service cannot read this machine's files.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithTokenFile(this IResourceBuilder<KvClusterResource> builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.Settings.TokenFile = path;
        return builder;
    }

    /// <summary>
    /// A PEM CA certificate the services trust for Redis's TLS (<c>--redis-ca-file</c>): a self-signed or private CA.
    /// Local runs only.
    /// </summary>
    public static IResourceBuilder<KvClusterResource> WithRedisCaFile(this IResourceBuilder<KvClusterResource> builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.Settings.RedisCaFile = path;
        return builder;
    }
}
