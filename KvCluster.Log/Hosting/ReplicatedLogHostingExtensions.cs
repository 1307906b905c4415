using KvCluster.Log;
using KvCluster.Log.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>How a KvCluster service reaches its log: Aspire's Redis client, and the log over it.</summary>
public static class ReplicatedLogHostingExtensions
{
    /// <summary>The connection string's name: the AppHost's Redis resource ("ConnectionStrings:redis").</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Registers the process's one <see cref="IConnectionMultiplexer"/> the Aspire way (AddRedisClient: from
    /// ConnectionStrings:redis, with its health check and tracing, never failing at start while Redis is down), the
    /// <see cref="LogKeys"/> under <c>Kv:KeyPrefix</c>, the <see cref="IReplicatedLog"/> over Redis, and a log line
    /// for every lost or refused connection. <c>Kv:RedisCaFile</c> names a CA certificate to trust for TLS.
    /// </summary>
    public static IHostApplicationBuilder AddRedisReplicatedLog(this IHostApplicationBuilder builder, RedisLogOptions? options = null)
    {
        string? caFile = builder.Configuration["Kv:RedisCaFile"];
        builder.AddRedisClient(RedisConnectionName, configureOptions: redis =>
        {
            if (!string.IsNullOrEmpty(caFile)) redis.TrustIssuer(caFile);
            // While Redis is away a write must fail at once (a 503 the client can retry elsewhere or later), not
            // wait in the client's backlog for the timeout; the tailer and heartbeat retry on their own schedule.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            // Back within about a second of Redis coming back, and never more than two between attempts.
            redis.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
            // On a Redis Cluster the client's health check asks CLUSTER INFO, which StackExchange.Redis sends only in
            // admin mode. The services send no other admin command; what Redis allows is still up to its ACLs.
            redis.AllowAdmin = true;
        });
        // The client narrates every connect at Information (some forty lines); failures still come through, and
        // RedisConnectionLog says the rest once.
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new UnparentedRedisSpanFilter()));

        string prefix = builder.Configuration["Kv:KeyPrefix"] is { Length: > 0 } configured ? configured : LogKeys.DefaultPrefix;
        builder.Services.AddSingleton(new LogKeys(prefix));
        builder.Services.AddSingleton<IReplicatedLog>(sp =>
            new RedisReplicatedLog(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>(), options));
        builder.Services.AddHostedService<RedisConnectionLog>();
        builder.Services.AddHostedService<LegacyPrefixCheck>();
        return builder;
    }
}
