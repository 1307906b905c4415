using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Coordinator.Compaction;

public static class SnapshotSourceRegistration
{
    /// <summary>The <see cref="SnapshotSource"/> and its HTTP client, which shows the cluster's internal key to the node.</summary>
    public static IServiceCollection AddSnapshotSource(this IServiceCollection services)
    {
        services.AddHttpClient(nameof(SnapshotSource), (services, http) =>
        {
            http.Timeout = TimeSpan.FromMinutes(5);
            // A node's snapshot route answers only callers that show the cluster's internal key.
            InternalKey.AttachTo(http, services.GetRequiredService<IConfiguration>());
        });
        services.AddSingleton<SnapshotSource>();
        return services;
    }
}
