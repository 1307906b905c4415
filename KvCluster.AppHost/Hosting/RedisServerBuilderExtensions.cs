using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>Adds <see cref="RedisServerResource"/>: redis-server from PATH with the log's durability settings.</summary>
public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// redis-server on 127.0.0.1:<paramref name="port"/>, its AOF and data in <paramref name="dataDirectory"/>, with a
    /// health check that connects and pings. Excluded from the manifest: a deployment gets a container or a managed Redis.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var resource = new RedisServerResource(name, dataDirectory);

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
            .WithArgs(
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", dataDirectory,
                "--daemonize", "no",
                "--protected-mode", "yes",
                // Snapshots would only duplicate the AOF; the log is the durable record.
                "--save", "",
                "--logfile", "")
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }
}
