using KvCluster.Log;
using KvCluster.Node.Replication;
using KvCluster.Node.Security;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Watch;

/// <summary>GET /v1/watch: a stream of the changes to a key, a prefix or every key (docs/architecture.md §8.1).</summary>
public static class WatchEndpoints
{
    public const string Route = "/v1/watch";

    public static void MapWatchEndpoints(this IEndpointRouteBuilder app)
    {
        // Singletons taken once, as the other endpoints do; the hub (the streams' limit and the replay) is this route's own.
        var services = app.ServiceProvider;
        var nodeOptions = services.GetRequiredService<IOptions<NodeOptions>>().Value;
        var options = services.GetRequiredService<IOptions<WatchOptions>>().Value;
        var hub = new WatchHub(
            services.GetRequiredService<ReplicaState>(),
            new HistoryReplay(services.GetRequiredService<IReplicatedLog>(), Path.Combine(nodeOptions.DataDir, "watch"),
                nodeOptions.TailBatchSize, nodeOptions.IdempotencyRetention),
            options,
            services.GetRequiredService<NodeMetrics>(),
            services.GetRequiredService<IHostApplicationLifetime>());
        app.MapGet(Route, hub.ServeAsync).RequireAccess(WatchInTokenPrefixRequirement.Policy);
    }
}
