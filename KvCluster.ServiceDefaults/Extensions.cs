using KvCluster.ServiceDefaults.Diagnostics;
using KvCluster.ServiceDefaults.Discovery;
using KvCluster.ServiceDefaults.Health;
using KvCluster.ServiceDefaults.Resilience;
using KvCluster.ServiceDefaults.Supervision;
using KvCluster.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every KvCluster service shares, in the shape of the .NET Aspire ServiceDefaults template:
/// OpenTelemetry, health endpoints, service discovery and resilient HTTP.
/// The Aspire and OpenTelemetry hosting packages are not available here, so the pieces they would
/// provide live next to this file (Telemetry/, Health/, Discovery/, Resilience/).
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string RuntimeEndpointPath = "/v1/runtime";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Registration order is pipeline order: resilience is the outer handler, so every
            // retry goes back through discovery and may land on another endpoint.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
            // The factory's logging handlers open a log scope per request and log only below Warning, which the
            // settings filter out: pure cost on the node's per-write path to the coordinator.
            http.RemoveAllLoggers();
        });

        builder.Services.AddSupervisorWatchdog();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Export only when a collector is configured (as Aspire does); without one, no provider is built
        // and ActivitySources keep their no-listener fast path.
        if (!OtlpExportSettings.IsEnabled(builder.Configuration))
        {
            return builder;
        }

        var telemetry = new ServiceTelemetryBuilder(builder.Services);
        telemetry
            .ConfigureResource(resource => ServiceResource.Configure(resource, builder.Configuration, builder.Environment))
            .WithTracing(tracing => tracing
                .AddSource(TelemetrySourceNames.Traces)
                .AddSource(KvTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddMeter(TelemetrySourceNames.Meters)
                .AddMeter(KvTelemetry.Name))
            .WithLogging(logging => { }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            })
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT/_PROTOCOL/_HEADERS from IConfiguration (environment included).
            .UseOtlpExporter();

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryProvidersHostedService>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, RequestTracingStartupFilter>());
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // A check tagged "live" answers /alive: the process is running and able to serve.
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthCheckTags.Live]);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Unlike the Aspire template these are mapped in every environment: the AppHost and
        // the cluster view rely on them, and the bench reads /v1/runtime around its measured windows.
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthCheckTags.Live),
        });
        string service = app.Configuration["OTEL_SERVICE_NAME"] ?? app.Environment.ApplicationName;
        app.MapGet(RuntimeEndpointPath, () => Results.Json(ProcessRuntime.Now(service), ProcessRuntimeJsonContext.Default.ProcessRuntime));
        return app;
    }
}
