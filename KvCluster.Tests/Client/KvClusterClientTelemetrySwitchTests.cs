using System.Diagnostics;
using System.Net;
using KvCluster.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvCluster.Tests.Client;

/// <summary>
/// What AddKvClusterClient registers with the app's OpenTelemetry: the client's spans and metrics reach the app's
/// exporters, and DisableTracing / DisableMetrics leave them out.
/// </summary>
public sealed class KvClusterClientTelemetrySwitchTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_clients_spans_and_metrics_reach_the_apps_exporters_unless_switched_off(bool disabled)
    {
        var nodes = new FakeNodes(_ => FakeNodes.Respond(HttpStatusCode.Created, seq: 5, version: 5, body: """{"key":"k","version":5,"created":true}"""));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:kv", "http://a:5101")]);
        builder.AddKvClusterClient("kv", settings =>
        {
            settings.DisableTracing = disabled;
            settings.DisableMetrics = disabled;
        });
        builder.Services.AddHttpClient("KvCluster.Client:kv").ConfigurePrimaryHttpMessageHandler(() => nodes);
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        var tracerProvider = host.Services.GetRequiredService<TracerProvider>();
        var meterProvider = host.Services.GetRequiredService<MeterProvider>();
        // Other tests' clients make spans of the same source at the same time: this call's key tells them apart.
        string key = "switch/" + Guid.NewGuid().ToString("N");

        await host.Services.GetRequiredService<IKvClient>().PutStringAsync(key, "v");
        tracerProvider.ForceFlush();
        meterProvider.ForceFlush();

        bool spanExported = spans.Any(span => span.Source.Name == KvClientTelemetry.Name && Equals(span.GetTagItem("kv.key"), key));
        bool operationCounted = metrics.Any(metric => metric.MeterName == KvClientTelemetry.Name && metric.Name == "kv.client.operations");
        Assert.Equal(!disabled, spanExported);
        Assert.Equal(!disabled, operationCounted);
    }
}
