using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Says in the service's log why its Redis connection fails and when it is back: a wrong password, a refused TLS
/// handshake or an unreachable server is otherwise visible only as failing calls. StackExchange.Redis keeps
/// reconnecting by itself, so a failure that repeats is logged once per <see cref="RepeatEvery"/>, not on every
/// attempt; each restored connection counts in kv.redis.reconnects.
/// </summary>
internal sealed class RedisConnectionLog(IConnectionMultiplexer redis, ILogger<RedisConnectionLog> logger) : BackgroundService
{
    private static readonly TimeSpan RepeatEvery = TimeSpan.FromSeconds(30);

    // The meter KvCluster's services export ("KvCluster", KvTelemetry in ServiceDefaults, which this library does not reference).
    private static readonly Meter Meter = new("KvCluster");
    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("kv.redis.reconnects",
        description: "The Redis connection re-established after it was lost.");

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTime> _lastLogged = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnFailed;
        redis.ConnectionRestored += OnRestored;
        try
        {
            // The first connect happened before anyone listened (and reconnects that keep failing raise no event):
            // while Redis is not usable, ask it why, now and then.
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!redis.IsConnected)
                {
                    try
                    {
                        await redis.GetDatabase().PingAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (RedisFailures.IsUnavailable(e))
                    {
                        Report("(all)", "NotConnected", e);
                    }
                }
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnFailed;
            redis.ConnectionRestored -= OnRestored;
        }
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) =>
        Report(e.EndPoint?.ToString() ?? "(unknown)", e.FailureType.ToString(), e.Exception);

    private void Report(string endPoint, string failure, Exception? exception)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (_lastLogged.TryGetValue(endPoint, out var last) && now - last < RepeatEvery) return;
            _lastLogged[endPoint] = now;
        }
        // The outer message says what kind of failure (AuthenticationFailure, UnableToConnect), the innermost one why
        // ("WRONGPASS ...", "The remote certificate is invalid ...").
        string error = exception?.Message ?? "no detail";
        string cause = exception?.GetBaseException().Message ?? "";
        if (cause.Length > 0 && !error.Contains(cause, StringComparison.Ordinal)) error += " Cause: " + cause;
        logger.LogWarning("Redis connection to {EndPoint} failed ({Failure}): {Error}", endPoint, failure, error);
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
