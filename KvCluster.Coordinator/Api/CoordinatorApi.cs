namespace KvCluster.Coordinator.Api;

/// <summary>Every route a coordinator serves, in one place, so tests host exactly what KvCluster.Coordinator/Program.cs maps.</summary>
public static class CoordinatorApi
{
    public static WebApplication MapCoordinatorApi(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapAppendEndpoints();
        app.MapClusterEndpoints();
        return app;
    }
}
