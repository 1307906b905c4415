using KvCluster.Node.Snapshots;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api;

/// <summary>
/// POST /v1/node/snapshot: an operator's "snapshot now" (the dashboard's command on each node), e.g. before a restart
/// so that the node replays less of the log. Answers what was written.
/// </summary>
internal static class SnapshotNowEndpoint
{
    public static void MapSnapshotNowEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/node/snapshot", async (SnapshotScheduler snapshots, CancellationToken cancellationToken) =>
        {
            var info = await snapshots.SnapshotNowAsync(cancellationToken);
            return Results.Json(new SnapshotTaken(info.Seq, info.Bytes, info.Duration.TotalMilliseconds), NodeJsonContext.Default.SnapshotTaken);
        }).RequireAccess(KvPolicies.Admin);
    }
}

/// <summary>Answer of POST /v1/node/snapshot: the snapshot's applied seq, its size and how long writing it took.</summary>
public sealed record SnapshotTaken(long Seq, long Bytes, double Milliseconds);
