using KvCluster.ServiceDefaults.Discovery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Service discovery from Aspire-style configuration, with the names Microsoft.Extensions.ServiceDiscovery uses.</summary>
public static class ServiceDiscoveryExtensions
{
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        services.TryAddSingleton(sp => new EndpointRotation(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    /// <summary>Resolves <c>http://{service}</c> request URIs; add it after the resilience handler so each attempt resolves again.</summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.AddHttpMessageHandler(sp => new ServiceDiscoveryHandler(
            sp.GetRequiredService<ServiceEndpointResolver>(),
            sp.GetRequiredService<EndpointRotation>(),
            sp.GetRequiredService<ILogger<ServiceDiscoveryHandler>>()));
        return builder;
    }
}
