using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureFlags.Web.Flags;

/// <summary>Ready once the flags are loaded: until then the service answers 503, having nothing true to say.</summary>
public sealed class FlagCacheHealthCheck(FlagCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(cache.IsLoaded
            ? HealthCheckResult.Healthy($"flags up to seq {cache.Position}")
            : HealthCheckResult.Unhealthy("loading the flags from the cluster"));
}
