using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Providers registered in the container are built lazily; resolving them when the host starts makes
/// them listen from the first request. The container owns them, so they are flushed and disposed
/// with it on shutdown.
/// </summary>
internal sealed class TelemetryProvidersHostedService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
        _ = services.GetService<LoggerProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
