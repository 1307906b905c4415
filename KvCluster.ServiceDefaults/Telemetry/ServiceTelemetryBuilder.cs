using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// The core SDK's <see cref="IOpenTelemetryBuilder"/> extensions (WithTracing, WithMetrics, WithLogging,
/// UseOtlpExporter) register providers in the host's container; OpenTelemetry.Extensions.Hosting would
/// hand us this builder, so we make our own.
/// </summary>
internal sealed class ServiceTelemetryBuilder(IServiceCollection services) : IOpenTelemetryBuilder
{
    public IServiceCollection Services { get; } = services;
}
