using KvCluster.Node.Replication;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Api;

/// <summary>
/// GET /v1/node: this replica's own view — applied seq, known head, key count, and on request (?digest=true) a
/// digest of its whole state, so operators and tests can tell whether replicas hold identical data.
/// </summary>
internal static class NodeStatusEndpoints
{
    public static void MapNodeStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/node", (HttpContext context, ReplicaState replica, IOptions<NodeOptions> options) =>
        {
            var machine = replica.Machine;
            bool withDigest = string.Equals(context.Request.Query["digest"], "true", StringComparison.OrdinalIgnoreCase);
            // The digest and the applied seq must describe the same state: take both while the tailer may be applying,
            // retrying until the applied seq did not move in between.
            long applied;
            string? digest = null;
            do
            {
                applied = machine.AppliedSeq;
                if (withDigest) digest = machine.ComputeDigest();
            }
            while (withDigest && applied != machine.AppliedSeq);

            return Results.Json(new NodeStatus(options.Value.NodeId, applied, replica.KnownHead, replica.Lag, replica.CaughtUp,
                replica.Divergence, machine.Count, machine.ValueBytes, digest), NodeJsonContext.Default.NodeStatus);
        });
    }
}

/// <summary>Answer of GET /v1/node.</summary>
public sealed record NodeStatus(string Id, long Applied, long Head, long Lag, bool CaughtUp, string? Divergence,
    int Keys, long ValueBytes, string? Digest);
