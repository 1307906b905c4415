using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace KvCluster.ServiceDefaults.Supervision;

internal static class SupervisorWatchdogExtensions
{
    /// <summary>Registers the watchdog; it does nothing unless <c>Kv:SupervisorPid</c> is configured.</summary>
    public static IServiceCollection AddSupervisorWatchdog(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SupervisorWatchdog>());
        return services;
    }
}
