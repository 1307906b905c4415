using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class OtlpExportTests
{
    private static Dictionary<string, string?> OtlpSettings(OtlpCollectorStub collector, string serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-kv-test=secret",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_RESOURCE_ATTRIBUTES"] = "kv.node.id=node-7",
        // Export within a test's patience rather than the 5 s / 60 s defaults.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    private static Task<LoopbackServer> ServiceAsync(Dictionary<string, string?> settings) =>
        LoopbackServer.StartAsync(
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/hello/{name}", (string name, ILogger<OtlpExportTests> logger) =>
                {
                    logger.LogInformation("Greeting {Name}", name);
                    return "hello " + name;
                });
            },
            settings,
            builder => builder.AddServiceDefaults());

    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_otlp_when_an_endpoint_is_configured()
    {
        await using var collector = await OtlpCollectorStub.StartAsync();
        var serviceName = $"kv-test-{Guid.NewGuid():N}";
        var name = Guid.NewGuid().ToString("N");
        await using var service = await ServiceAsync(OtlpSettings(collector, serviceName));
        using var client = new HttpClient { BaseAddress = service.BaseAddress };

        Assert.Equal("hello " + name, await client.GetStringAsync($"/hello/{name}"));

        var trace = await collector.WaitForAsync(
            e => e.Path == "/v1/traces" && e.Contains(serviceName) && e.HasAttribute("url.path", $"/hello/{name}"),
            "of the request's server span");
        Assert.True(trace.HasAttribute("http.route", "/hello/{name}"));
        Assert.True(trace.Contains("node-7"), "OTEL_RESOURCE_ATTRIBUTES are part of the resource");
        Assert.Equal("secret", trace.Headers["x-kv-test"]);
        await collector.WaitForAsync(e => e.Path == "/v1/logs" && e.Contains(serviceName) && e.Contains(name), "of the request's log");
        await collector.WaitForAsync(e => e.Path == "/v1/metrics" && e.Contains(serviceName) && e.Contains("http.server.request.duration"), "of ASP.NET Core metrics");
    }

    [Fact]
    public async Task Health_probes_are_left_out_of_traces()
    {
        await using var collector = await OtlpCollectorStub.StartAsync();
        var serviceName = $"kv-test-{Guid.NewGuid():N}";
        await using var service = await ServiceAsync(OtlpSettings(collector, serviceName));
        using var client = new HttpClient { BaseAddress = service.BaseAddress };

        using (SuppressInstrumentationScope.Begin())
        {
            // Only the client side is suppressed here: the server spans are what is under test.
            for (var i = 0; i < 3; i++)
            {
                (await client.GetAsync("/health")).EnsureSuccessStatusCode();
                (await client.GetAsync("/alive")).EnsureSuccessStatusCode();
            }
        }

        var name = Guid.NewGuid().ToString("N");
        await client.GetStringAsync($"/hello/{name}");
        await collector.WaitForAsync(e => e.Path == "/v1/traces" && e.HasAttribute("url.path", $"/hello/{name}"), "of the request after the probes");

        // Spans are exported in the order they end, so the probes' would have arrived by now.
        var traces = collector.Exports.Where(e => e.Path == "/v1/traces").ToList();
        Assert.DoesNotContain(traces, e => e.HasAttribute("url.path", "/health") || e.HasAttribute("url.path", "/alive"));
    }

    [Fact]
    public async Task Without_an_endpoint_no_telemetry_provider_is_built()
    {
        await using var collector = await OtlpCollectorStub.StartAsync();
        var settings = OtlpSettings(collector, $"kv-test-{Guid.NewGuid():N}");
        settings.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        await using var service = await ServiceAsync(settings);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };

        await client.GetStringAsync("/hello/nobody");

        Assert.Null(service.App.Services.GetService<TracerProvider>());
        Assert.Null(service.App.Services.GetService<MeterProvider>());
        Assert.Null(service.App.Services.GetService<LoggerProvider>());
    }
}
