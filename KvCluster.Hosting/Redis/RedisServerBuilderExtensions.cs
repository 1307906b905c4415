using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Adds <see cref="RedisServerResource"/>: redis-server from PATH with the log's durability settings.</summary>
public static class RedisServerBuilderExtensions
{
    /// <summary>The config file, in the data directory, that holds what the command line must not show.</summary>
    public const string ConfigFileName = "redis.conf";

    /// <summary>
    /// redis-server on 127.0.0.1:<paramref name="port"/>, its AOF and data in <paramref name="dataDirectory"/>, requiring
    /// <paramref name="password"/>, with a health check that connects and pings. Excluded from the manifest: a deployment
    /// gets a container or a managed Redis.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        var resource = new RedisServerResource(name, dataDirectory, password.Resource);

        // The password goes into a config file only its owner can read, not onto the command line, where any local user
        // would see it (ps, /proc/PID/cmdline). Written before every start: a crash restart, and a run after one that
        // generated another password, find the current one. The directory is made then too: --fresh may have wiped it.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(resource.DataDirectory);
            await WriteConfigFileAsync(ConfigFile(resource), await password.Resource.GetValueAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The parameter '{password.Resource.Name}' has no value."), cancellationToken).ConfigureAwait(false);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        string healthCheckKey = $"{name}_check";
        // A check that runs before redis-server listens would otherwise wait out the client's 5 s connect timeout,
        // holding back everything that waits for Redis by as long.
        builder.Services.AddHealthChecks().AddRedis(
            _ => (connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."))
                + ",connectTimeout=500",
            name: healthCheckKey);

        return builder.AddResource(resource)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RedisServerResource.PrimaryEndpointName, isProxied: false)
            // redis-server reads a config file only as its first argument; the options after it add to it. The port and
            // the directory are read at start, so that WithDataDirectory and a moved endpoint reach the command line.
            .WithArgs(context =>
            {
                context.Args.Add(ConfigFile(resource));
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--dir");
                context.Args.Add(resource.DataDirectory);
                context.Args.Add("--daemonize");
                context.Args.Add("no");
                context.Args.Add("--protected-mode");
                context.Args.Add("yes");
                // Snapshots would only duplicate the AOF; the log is the durable record.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--logfile");
                context.Args.Add("");
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Where redis-server keeps its AOF and config file, and runs.</summary>
    public static IResourceBuilder<RedisServerResource> WithDataDirectory(this IResourceBuilder<RedisServerResource> builder, string dataDirectory)
    {
        builder.Resource.DataDirectory = dataDirectory;
        return builder.WithWorkingDirectory(dataDirectory);
    }

    private static string ConfigFile(RedisServerResource resource) => Path.Combine(resource.DataDirectory, ConfigFileName);

    private static async Task WriteConfigFileAsync(string path, string password, CancellationToken cancellationToken)
    {
        // A pinned password (Parameters:redis-password) could hold what neither redis.conf unquoted nor a connection string takes.
        if (password.Length == 0 || password.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\' or '\'' or ','))
            throw new InvalidOperationException("The Redis password must be non-empty, without spaces, quotes, backslashes or commas.");
        string temporary = path + ".tmp";
        await using (var stream = OwnerOnlyFile.CreateTemporary(temporary))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync("# Written by the KvCluster AppHost before each start of redis-server; the other settings are on its command line.")
                .ConfigureAwait(false);
            await writer.WriteLineAsync($"requirepass {password}".AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
