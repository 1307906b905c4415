using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Coordinator.Api;

/// <summary>GET /v1/cluster: members, their lag, the log head, as Redis records them.</summary>
internal static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster", async (ClusterMembership membership, CancellationToken cancellationToken) =>
        {
            try
            {
                var view = await membership.ReadViewAsync(cancellationToken);
                return Results.Json(view, MembershipJsonContext.Default.ClusterView);
            }
            catch (LogUnavailableException e)
            {
                return Results.Problem(title: "Redis is unavailable", detail: e.PublicReason, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).RequireAccess(KvPolicies.Read);
    }
}
