using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Says in the service's log when its Redis connection fails and when it is back: a wrong password, a refused TLS
/// handshake or an unreachable server is otherwise visible only as failing calls. StackExchange.Redis keeps
/// reconnecting by itself, so a failure that repeats is logged once per <see cref="RepeatEvery"/>, not on every attempt;
/// each restored connection counts in kv.redis.reconnects.
/// </summary>
internal sealed class RedisConnectionLog(IConnectionMultiplexer redis, ILogger<RedisConnectionLog> logger) : IHostedService
{
    private static readonly TimeSpan RepeatEvery = TimeSpan.FromSeconds(30);

    // The meter KvCluster's services export ("KvCluster", KvTelemetry in ServiceDefaults, which this library does not reference).
    private static readonly Meter Meter = new("KvCluster");
    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("kv.redis.reconnects",
        description: "The Redis connection re-established after it was lost.");

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTime> _lastLogged = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnFailed;
        redis.ConnectionRestored += OnRestored;
        if (!redis.IsConnected)
        {
            logger.LogWarning("Redis is not reachable yet ({Status}); retrying in the background", redis.GetStatus());
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnFailed;
        redis.ConnectionRestored -= OnRestored;
        return Task.CompletedTask;
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e)
    {
        string what = $"{e.EndPoint}/{e.FailureType}";
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (_lastLogged.TryGetValue(what, out var last) && now - last < RepeatEvery) return;
            _lastLogged[what] = now;
        }
        logger.LogWarning("Redis connection to {EndPoint} failed: {FailureType}: {Error}", e.EndPoint, e.FailureType,
            e.Exception?.Message ?? "no detail");
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        lock (_gate)
        {
            _lastLogged.Clear();
        }
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Reconnects.Add(1);
            logger.LogInformation("Redis connection to {EndPoint} restored", e.EndPoint);
        }
    }
}
