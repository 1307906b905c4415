using KvCluster.Node.Replication;
using KvCluster.Log;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Health;

/// <summary>
/// Ready: the log read to its end since start, state matching the log, lag small. Whether Redis answers is the
/// Redis client's own check (AddRedisClient), beside this one.
/// </summary>
internal sealed class NodeReadinessCheck(ReplicaState replica, IOptions<NodeOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["applied"] = replica.Applied.Value,
            ["head"] = replica.KnownHead,
            ["lag"] = replica.Lag,
        };
        HealthCheckResult result =
            replica.Divergence is { } divergence ? HealthCheckResult.Unhealthy($"Rebuilding from the log: {divergence}", data: data)
            : !replica.CaughtUp ? HealthCheckResult.Unhealthy("Catching up with the log.", data: data)
            : replica.Lag > options.Value.MaxApplyLag ? HealthCheckResult.Unhealthy($"{replica.Lag} entries behind the log.", data: data)
            : HealthCheckResult.Healthy($"Applied {replica.Applied.Value}.", data);
        return Task.FromResult(result);
    }
}
