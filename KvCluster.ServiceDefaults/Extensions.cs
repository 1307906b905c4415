using KvCluster.ServiceDefaults.Diagnostics;
using KvCluster.ServiceDefaults.Health;
using KvCluster.ServiceDefaults.Http;
using KvCluster.ServiceDefaults.Security;
using KvCluster.ServiceDefaults.Supervision;
using KvCluster.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every KvCluster service shares, in the shape of the .NET Aspire ServiceDefaults template:
/// OpenTelemetry, health endpoints, service discovery and resilient HTTP.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string RuntimeEndpointPath = "/v1/runtime";

    private const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string ServiceNameKey = "OTEL_SERVICE_NAME";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        // Errors are problem+json (RFC 9457), an unhandled exception included.
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        builder.Services.AddExceptionHandler<UnhandledExceptions>();
        builder.Services.Configure<ExceptionHandlerOptions>(UnhandledExceptions.Configure);
        builder.Services.Configure<KestrelServerOptions>(RequestBodyLimits.Apply);

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Registration order is pipeline order: resilience is the outer handler, so every retry goes back
            // through discovery and may land on another endpoint.
            http.AddStandardResilienceHandler(ResilienceSettings.Apply);

            // http://coordinator resolves from services:coordinator:http:0 (environment services__coordinator__http__0).
            http.AddServiceDiscovery();

            // The factory's logging handlers open a log scope per request and log only below Warning, which the
            // settings filter out: pure cost on the node's per-write path to the coordinator.
            http.RemoveAllLoggers();
        });
        // Polly logs every attempt of every request at Information: one line per append on the write path.
        // Retries, timeouts and an open circuit are Warnings and still show.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        // Stops the service when the process that started it (Kv:SupervisorPid) is gone.
        builder.Services.AddSupervisorWatchdog();

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Unlike the template, nothing is registered without a collector to export to: no provider then listens,
        // so the services' activity sources and meters keep their no-listener fast path on every request.
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // The SDK reads OTEL_SERVICE_NAME itself; without it, name the service after the application rather
                // than "unknown_service".
                if (string.IsNullOrWhiteSpace(builder.Configuration[ServiceNameKey]))
                {
                    resource.AddService(builder.Environment.ApplicationName);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(KvTelemetry.Names);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(KvTelemetry.Names)
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // The AppHost polls the health endpoints every second: they would drown the real requests.
                        aspNetCore.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            })
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS from the configuration (environment included).
            .UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // A check tagged "live" answers /alive: the process is running and able to serve.
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthCheckTags.Live]);

        return builder;
    }

    /// <summary>
    /// The middleware every service puts first: unhandled exceptions and bare status codes (404, 405, ...) answered
    /// as problem+json without internal detail (<see cref="UnhandledExceptions"/>).
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Unlike the template these are mapped in every environment: the services run as Production, and the
        // AppHost and the cluster view rely on them; the bench reads /v1/runtime around its measured windows.
        // Probes carry no token: the health endpoints stay open and say nothing sensitive.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthCheckTags.Live),
        }).AllowAnonymous();
        string service = app.Configuration[ServiceNameKey] ?? app.Environment.ApplicationName;
        app.MapGet(RuntimeEndpointPath, () => Results.Json(ProcessRuntime.Now(service), ProcessRuntimeJsonContext.Default.ProcessRuntime))
            .RequireAccess(KvPolicies.Admin);

        return app;
    }
}
