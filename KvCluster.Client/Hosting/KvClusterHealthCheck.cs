using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KvCluster.Client;

/// <summary>
/// Asks every node's <c>/health</c> (200 when it is ready: the log reachable, caught up): healthy when all are, degraded
/// when some are (the client fails over to those), unhealthy when none is.
/// </summary>
internal sealed class KvClusterHealthCheck(KvClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var nodes = await client.ProbeNodesAsync(cancellationToken).ConfigureAwait(false);
        var data = nodes.ToDictionary(n => n.Endpoint.AbsoluteUri, n => (object)n.State);
        int ready = nodes.Count(n => n.Ready);
        if (ready == nodes.Count) return HealthCheckResult.Healthy($"All {ready} KvCluster nodes are ready.", data);
        string summary = string.Join("; ", nodes.Where(n => !n.Ready).Select(n => $"{n.Endpoint}: {n.State}"));
        return ready > 0
            ? HealthCheckResult.Degraded($"{ready} of {nodes.Count} KvCluster nodes are ready. Not ready: {summary}.", data: data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"No KvCluster node is ready: {summary}.", data: data);
    }
}
