using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Log.Membership;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// The APIs of the two systems KvCluster grew from, served on every node over the same log so their clients work
/// unchanged: kevinDB (/key-value-store/{key}, /key-value-store-view) and boxer-db (/api/v1/{key}, /api/v1/role).
/// </summary>
public static class CompatibilityEndpoints
{
    /// <summary>What the compatibility routes need besides the node's own services.</summary>
    public static IServiceCollection AddCompatibility(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ViewOverrides(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>()));
        services.AddHostedService<ViewRejoin>();
        return services;
    }

    public static IEndpointRouteBuilder MapCompatibilityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapKevinDbEndpoints();
        app.MapKevinDbViewEndpoints();
        app.MapBoxerDbEndpoints();
        return app;
    }
}
