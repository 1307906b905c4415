using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Replication;

public static class CoordinatorClientRegistration
{
    /// <summary>The coordinator's service name: service discovery resolves it from <c>services:coordinator:http:0</c>.</summary>
    public static readonly Uri CoordinatorAddress = new("http://coordinator");

    /// <summary>
    /// The node's HTTP client to the coordinator and the <see cref="CoordinatorClient"/> that batches writes onto it.
    /// Its resilience comes from ServiceDefaults: appends are retried because they carry an Idempotency-Key.
    /// </summary>
    public static IServiceCollection AddCoordinatorClient(this IServiceCollection services)
    {
        services.AddHttpClient(CoordinatorClient.HttpClientName, (services, http) =>
        {
            http.BaseAddress = CoordinatorAddress;
            http.Timeout = TimeSpan.FromSeconds(30);
            // The coordinator's append answers only callers that show the cluster's internal key.
            InternalKey.AttachTo(http, services.GetRequiredService<IConfiguration>());
        });
        services.AddSingleton<CoordinatorClient>();
        services.AddHostedService(sp => sp.GetRequiredService<CoordinatorClient>());
        return services;
    }
}
