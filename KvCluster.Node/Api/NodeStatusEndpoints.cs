using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using Microsoft.Extensions.Options;
using KvCluster.ServiceDefaults.Security;

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
            // With a digest, the applied seq is the one the digest describes (both taken while Apply is held off).
            var snapshot = withDigest ? machine.ComputeDigestWithSeq() : new StateDigest(machine.AppliedSeq, "");
            long applied = snapshot.AppliedSeq;
            string? digest = withDigest ? snapshot.Digest : null;

            return Results.Json(new NodeStatus(options.Value.NodeId, applied, replica.KnownHead, replica.Lag, replica.CaughtUp,
                replica.Divergence, machine.Count, machine.ValueBytes, digest), NodeJsonContext.Default.NodeStatus);
        }).RequireAccess(KvPolicies.Read);
    }
}

/// <summary>Answer of GET /v1/node.</summary>
public sealed record NodeStatus(string Id, long Applied, long Head, long Lag, bool CaughtUp, string? Divergence,
    int Keys, long ValueBytes, string? Digest);
