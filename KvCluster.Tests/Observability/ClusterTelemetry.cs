using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.ServiceDefaults;
using Xunit.Abstractions;

namespace KvCluster.Tests.Observability;

/// <summary>
/// A real cluster whose services all export to one OTLP/HTTP receiver inside the test, with export intervals
/// short enough for a test (instead of 5 s for spans and logs and 60 s for metrics).
/// </summary>
internal sealed class ClusterTelemetry : IAsyncDisposable
{
    private ClusterTelemetry(OtlpCollectorStub collector, TestCluster cluster)
    {
        Collector = collector;
        Cluster = cluster;
    }

    public OtlpCollectorStub Collector { get; }

    public TestCluster Cluster { get; }

    public static async Task<ClusterTelemetry> StartAsync(ITestOutputHelper output, int nodes)
    {
        var collector = await OtlpCollectorStub.StartAsync();
        try
        {
            var env = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "250",
            };
            return new ClusterTelemetry(collector, await TestCluster.StartAsync(output, nodes, env));
        }
        catch
        {
            await collector.DisposeAsync();
            throw;
        }
    }

    public List<OtlpSpan> Spans() => Decode("/v1/traces", OtlpPayloads.Spans);

    public List<OtlpMetric> Metrics() => Decode("/v1/metrics", OtlpPayloads.Metrics);

    public List<OtlpLogRecord> Logs() => Decode("/v1/logs", OtlpPayloads.Logs);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Collector.DisposeAsync();
    }

    private List<T> Decode<T>(string path, Func<byte[], List<T>> decode) =>
        [.. Collector.Exports.Where(e => e.Path == path).SelectMany(e => decode(e.Body))];
}
