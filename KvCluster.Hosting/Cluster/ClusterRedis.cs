using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// The cluster's Redis, one of three ways (docs/architecture.md §5), each giving every service the same
/// <c>ConnectionStrings__redis</c>: a Redis the user names, the Aspire Redis container, or redis-server from PATH.
/// </summary>
public static class ClusterRedis
{
    /// <summary>The private Redis's resource name, and the connection name every service reads (<c>ConnectionStrings:redis</c>).</summary>
    public const string ResourceName = "redis";

    /// <summary>
    /// <paramref name="password"/> (null only with <see cref="ClusterSettings.Redis"/>, whose connection string is used as
    /// given) is the private Redis's password, the container's as well as redis-server's. Its port, data directory and
    /// fsync policy are read from <paramref name="settings"/> when it starts.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddClusterRedis(this IDistributedApplicationBuilder builder,
        ClusterSettings settings, IResourceBuilder<ParameterResource>? password)
    {
        if (settings.Redis is { } connection)
        {
            builder.Configuration[$"ConnectionStrings:{ResourceName}"] = connection;
            return builder.AddConnectionString(ResourceName);
        }
        ArgumentNullException.ThrowIfNull(password);

        if (settings.RedisMode == RedisMode.Container)
        {
            // A volume keeps the AOF across container restarts. Not WithDataVolume: it turns on RDB snapshots as well.
            var container = builder.AddRedis(ResourceName, port: builder.ExecutionContext.IsRunMode ? settings.RedisPort : null, password);
            return container
                .WithVolume(VolumeNameGenerator.Generate(container, "data"), "/data")
                .WithAppendOnlyLog(() => settings.Fsync);
        }

        return builder.AddRedisServer(ResourceName, settings.RedisPort, RedisDataDirectory(settings), password)
            .WithAppendOnlyLog(() => settings.Fsync);
    }

    /// <summary>Auto made definite: a container when publishing or where a container runtime is healthy.</summary>
    public static RedisMode ChooseMode(DistributedApplicationExecutionContext context, RedisMode requested) =>
        context.IsPublishMode ? RedisMode.Container : requested switch
        {
            RedisMode.Auto => ContainerRuntimeProbe.IsHealthy() ? RedisMode.Container : RedisMode.Executable,
            _ => requested,
        };

    /// <summary>redis-server's data directory: <c>{state-dir}/redis</c>.</summary>
    public static string RedisDataDirectory(ClusterSettings settings) => Path.Combine(settings.StateDirectory, "redis");

    /// <summary>Moves the private Redis to <paramref name="port"/> (WithRedisPort after the cluster was added).</summary>
    internal static void MoveEndpoint(IResource redis, int port)
    {
        foreach (var endpoint in redis.Annotations.OfType<EndpointAnnotation>().Where(e => e.Name == "tcp"))
        {
            endpoint.Port = port;
            // redis-server listens on the port itself; the container listens on 6379 behind DCP's port.
            if (redis is RedisServerResource) endpoint.TargetPort = port;
        }
    }
}
