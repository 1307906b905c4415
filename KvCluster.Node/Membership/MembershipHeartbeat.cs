using KvCluster.Node.Replication;
using KvCluster.Node.Snapshots;
using KvCluster.Log;
using KvCluster.Log.Membership;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Membership;

/// <summary>
/// Once a second: tells the cluster this node is alive and how far it has applied, and learns the log head
/// (so lag is known even when no client reads).
/// </summary>
internal sealed class MembershipHeartbeat(
    ClusterMembership membership,
    IReplicatedLog log,
    ReplicaState replica,
    SnapshotScheduler snapshots,
    IServer server,
    IOptions<NodeOptions> options,
    ILogger<MembershipHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.HeartbeatInterval);
        bool warned = false;
        do
        {
            try
            {
                long appliedBefore = replica.Applied.Value;
                replica.ObserveHeadFromRedis(await log.ReadHeadAsync(stoppingToken), appliedBefore);
                await membership.HeartbeatAsync(new MemberRecord
                {
                    Id = settings.NodeId,
                    Url = settings.PublicUrl ?? ListeningUrl(),
                    Applied = replica.Applied.Value,
                    SnapshotSeq = snapshots.LastSnapshotSeq,
                    Ready = replica.CaughtUp && replica.Divergence is null,
                }, stoppingToken);
                warned = false;
            }
            catch (LogUnavailableException e)
            {
                if (!warned) logger.LogWarning("Heartbeat failed: {Error}", e.Message);
                warned = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private string ListeningUrl() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
}
