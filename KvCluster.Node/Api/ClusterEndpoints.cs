using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api;

/// <summary>GET /v1/cluster: members with their applied seq, lag and health; the log head; the trim point.</summary>
internal static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster", async (ClusterMembership membership, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Json(await membership.ReadViewAsync(cancellationToken), MembershipJsonContext.Default.ClusterView);
            }
            catch (LogUnavailableException e)
            {
                return Problems.Unavailable("Redis is unavailable", e.PublicReason);
            }
        }).RequireAccess(KvPolicies.Read);
    }
}
