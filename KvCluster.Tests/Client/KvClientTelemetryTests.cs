using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using KvCluster.Client;

namespace KvCluster.Tests.Client;

/// <summary>The client's span per call (operation, key, the node that answered, failed attempts as events) and its metrics.</summary>
public sealed class KvClientTelemetryTests
{
    [Fact]
    public async Task A_call_that_fails_over_is_one_span_naming_the_operation_the_key_and_the_node_and_counts_a_failover()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://127.0.0.1:5101"
            ? FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Log unavailable", "Retry.")
            : FakeNodes.Respond(HttpStatusCode.Created, seq: 5, version: 5, body: """{"key":"t/k","version":5,"created":true}"""));
        using var client = new KvClient(new KvClientOptions
        {
            Endpoints = [new Uri("http://127.0.0.1:5101"), new Uri("http://127.0.0.1:5102")],
            RetryDelay = TimeSpan.FromMilliseconds(1),
        }, new HttpClient(nodes));
        string key = "telemetry/" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KvClientTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("kv.key"), key)) spans.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        long failovers = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == KvClientTelemetry.Name) l.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "kv.client.failovers") Interlocked.Add(ref failovers, value);
        });
        meters.Start();

        // Twice: calls start on the nodes in turn, so one of the two starts on the failing node.
        await client.PutStringAsync(key, "v");
        await client.PutStringAsync(key, "v");

        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("PUT", span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("PUT", span.GetTagItem("db.operation.name"));
            Assert.Equal("http://127.0.0.1:5102/", span.GetTagItem("kv.node"));
            Assert.Equal(201, span.GetTagItem("http.response.status_code"));
        });
        var failedOver = Assert.Single(spans, span => span.Events.Any());
        Assert.Equal("kv.attempt_failed", Assert.Single(failedOver.Events).Name);
        Assert.Equal(2, failedOver.GetTagItem("kv.attempts"));
        Assert.True(Interlocked.Read(ref failovers) >= 1);
    }
}
