using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Observability;

[Collection(ClusterCollection.Name)]
public sealed class ClusterTelemetryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_put_is_one_trace_from_the_receiving_node_through_the_coordinator_and_redis_to_every_replica()
    {
        await using var telemetry = await ClusterTelemetry.StartAsync(output, nodes: 3);
        var cluster = telemetry.Cluster;
        var receiving = cluster.Nodes[1];
        // The client's own trace: the node must continue it, so the user finds the write under their trace id.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ActivityHeadersPropagator = null })
        {
            BaseAddress = receiving.Url,
            Timeout = TimeSpan.FromSeconds(10),
        };
        using var put = await KvHttp.PutAsync(client, "traced", "value",
            request => request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        List<OtlpSpan> trace = [];
        bool Complete()
        {
            trace = [.. telemetry.Spans().Where(s => s.TraceId == traceId)];
            return ServerSpan(trace, receiving.ResourceName) is not null
                && ServerSpan(trace, "coordinator") is not null
                && trace.Any(s => s.Scope.Contains("Redis", StringComparison.Ordinal) && s.Name.StartsWith("EVAL", StringComparison.Ordinal))
                && cluster.Nodes.All(node => ApplySpans(trace, node.ResourceName).Any());
        }
        await Eventually.TrueAsync(Complete, ExportTimeout, () => "the trace has only: " + Describe(trace));

        var nodeSpan = ServerSpan(trace, receiving.ResourceName)!;
        Assert.Equal(clientSpanId, nodeSpan.ParentSpanId);
        // The coordinator's request span continues the node's outgoing HttpClient span (traceparent propagated).
        var coordinatorSpan = ServerSpan(trace, "coordinator")!;
        var httpClientSpan = Assert.Single(trace, s => s.SpanId == coordinatorSpan.ParentSpanId);
        Assert.Equal(receiving.ResourceName, httpClientSpan.Resource.ServiceName);
        Assert.Equal("System.Net.Http", httpClientSpan.Scope);
        // Each replica's apply is a child of the request that wrote the entry (not a link to it).
        foreach (var node in cluster.Nodes)
        {
            var apply = Assert.Single(ApplySpans(trace, node.ResourceName));
            Assert.Equal(nodeSpan.SpanId, apply.ParentSpanId);
            Assert.Equal(put.Headers.GetValues("X-Kv-Seq").Single(), apply.Attributes["kv.seq"]);
        }
    }

    [Fact]
    public async Task Every_node_exports_its_applied_sequence_and_lag_and_logs_with_its_node_id()
    {
        await using var telemetry = await ClusterTelemetry.StartAsync(output, nodes: 3);
        var cluster = telemetry.Cluster;
        using var put = await KvHttp.PutAsync(cluster.NodeClients[0], "measured", "value");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        long seq = long.Parse(put.Headers.GetValues("X-Kv-Seq").Single(), CultureInfo.InvariantCulture);

        List<OtlpMetric> metrics = [];
        bool AllNodesReport()
        {
            metrics = telemetry.Metrics();
            // Each process exports on its own schedule: wait for the coordinator's export as well as every node's.
            return cluster.Nodes.All(node =>
                    LatestValue(metrics, node.ResourceName, "kv.applied.sequence") >= seq
                    && LatestValue(metrics, node.ResourceName, "kv.replication.lag") is not null)
                && metrics.Any(m => m.Resource.ServiceName == "coordinator" && m.Name == "kv.append.batch.size");
        }
        await Eventually.TrueAsync(AllNodesReport, ExportTimeout, () =>
            "metrics per node: " + string.Join("; ", metrics.GroupBy(m => m.Resource.ServiceName)
                .Select(g => g.Key + ": " + string.Join(", ", g.Select(m => m.Name).Distinct()))));

        foreach (var node in cluster.Nodes)
        {
            // service.instance.id is DCP's id of the process, which the dashboard uses to tell runs apart.
            Assert.NotEmpty(metrics.First(m => m.Resource.ServiceName == node.ResourceName).Resource.InstanceId);
            Assert.Contains(metrics, m => m.Resource.ServiceName == node.ResourceName && m.Name == "kv.key.count");
        }
        Assert.Contains(metrics, m => m.Resource.ServiceName == cluster.Nodes[0].ResourceName && m.Name == "kv.writes"
            && m.Points.Any(p => p.Attributes.GetValueOrDefault("kv.write.outcome") == "created"));
        Assert.Contains(metrics, m => m.Resource.ServiceName == cluster.Nodes[0].ResourceName && m.Name == "http.server.request.duration");
        Assert.Contains(metrics, m => m.Resource.ServiceName == "coordinator" && m.Name == "kv.append.batch.size");

        List<OtlpLogRecord> logs = [];
        await Eventually.TrueAsync(
            () =>
            {
                logs = telemetry.Logs();
                return cluster.Nodes.All(node => logs.Any(l => l.Resource.ServiceName == node.ResourceName
                    && l.Attributes.GetValueOrDefault("NodeId") == node.Name && l.Attributes.ContainsKey("Seq")));
            },
            ExportTimeout,
            () => "logs: " + string.Join(" | ", logs.Select(l => $"[{l.Resource.ServiceName}] {l.Body}")));
    }

    // Services are told apart by service.name, the AppHost's resource name ("node1", "coordinator").
    private static OtlpSpan? ServerSpan(IEnumerable<OtlpSpan> trace, string service) =>
        trace.FirstOrDefault(s => s.Resource.ServiceName == service && s.Scope == "Microsoft.AspNetCore");

    private static IEnumerable<OtlpSpan> ApplySpans(IEnumerable<OtlpSpan> trace, string node) =>
        trace.Where(s => s.Resource.ServiceName == node && s.Name == "kv.apply");

    private static double? LatestValue(List<OtlpMetric> metrics, string node, string name) =>
        metrics.LastOrDefault(m => m.Resource.ServiceName == node && m.Name == name)?.Points.LastOrDefault()?.Value;

    private static string Describe(List<OtlpSpan> spans)
    {
        var text = new StringBuilder();
        foreach (var span in spans) text.Append(CultureInfo.InvariantCulture, $"[{span.Resource.ServiceName} {span.Scope}] {span.Name}; ");
        return text.Length == 0 ? "(nothing)" : text.ToString();
    }
}
