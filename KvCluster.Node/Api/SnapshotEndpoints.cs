using System.Globalization;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api;

/// <summary>
/// GET /v1/internal/snapshot: a fresh snapshot of this replica's state, streamed from its file. The coordinator
/// copies it into Redis as a checkpoint before trimming the log (docs/architecture.md §2.7).
/// </summary>
internal static class SnapshotEndpoints
{
    public const string SeqHeader = "X-Kv-Snapshot-Seq";
    public const string ChainHashHeader = "X-Kv-Chain-Hash";

    public static void MapSnapshotEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/internal/snapshot", async (HttpContext context, SnapshotScheduler snapshots) =>
        {
            var info = await snapshots.SnapshotNowAsync(context.RequestAborted);
            // Open at once: a later snapshot renamed over the path leaves this open file as it was. The headers
            // come from the file itself, so they describe exactly the bytes sent.
            await using var file = new FileStream(info.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 64 * 1024, useAsync: true);
            var header = KvStateMachine.ReadSnapshotHeader(file);
            file.Position = 0;

            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = file.Length;
            context.Response.Headers[SeqHeader] = header.AppliedSeq.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers[ChainHashHeader] = header.LastChainHash;
            await file.CopyToAsync(context.Response.Body, context.RequestAborted);
        }).RequireAuthorization(KvPolicies.Internal);
    }
}
