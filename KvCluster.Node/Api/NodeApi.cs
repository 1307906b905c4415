using KvCluster.Node.Api.Compat;
using KvCluster.Node.Watch;
using KvCluster.Node.Transactions;
using KvCluster.Node.Leases;

namespace KvCluster.Node.Api;

/// <summary>Every route a node serves, in one place, so tests host exactly what KvCluster.Node/Program.cs maps.</summary>
public static class NodeApi
{
    public static WebApplication MapNodeApi(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapKvEndpoints();
        app.MapTxnEndpoints();
        app.MapLeaseEndpoints();
        app.MapClusterEndpoints();
        app.MapNodeStatusEndpoints();
        app.MapSnapshotEndpoints();
        app.MapSnapshotNowEndpoint();
        app.MapCompatibilityEndpoints();
        app.MapWatchEndpoints();
        return app;
    }
}
