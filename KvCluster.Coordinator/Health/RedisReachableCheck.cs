using KvCluster.Log.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KvCluster.Coordinator.Health;

/// <summary>Ready while the shared Redis connection is up: without Redis the coordinator can sequence nothing.</summary>
internal sealed class RedisReachableCheck(IRedisClient redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.State == RedisConnectionState.Connected
            ? HealthCheckResult.Healthy("Redis connected.")
            : HealthCheckResult.Unhealthy($"Redis connection is {redis.State}."));
}
