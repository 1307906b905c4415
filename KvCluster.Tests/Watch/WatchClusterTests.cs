using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KvCluster.Log.Redis;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using StackExchange.Redis;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Watch;

/// <summary>
/// GET /v1/watch on a real 3-node cluster (<see cref="PrimitivesCluster"/>): writes on one node streamed by another, in log
/// order with their seqs; filters; history older than the node's journal replayed from Redis; 410 below a compacted log;
/// a watcher killed mid-stream resuming on another node with Last-Event-ID; the per-node stream limit.
/// Each test watches keys of its own.
/// </summary>
[Collection(PrimitivesCollection.Name)]
public sealed class WatchClusterTests(PrimitivesCluster shared, ITestOutputHelper output)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    private static string NewPrefix(string name) => $"{name}/{Guid.NewGuid():N}"[..(name.Length + 9)] + "/";

    private static string Query(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";

    private static async Task<long> PutAsync(HttpClient node, string key, string value)
    {
        using var put = await KvHttp.PutAsync(node, key, value);
        Assert.True(put.IsSuccessStatusCode, $"PUT {key} answered {put.StatusCode}");
        return Seq(put);
    }

    private static async Task<long> PutBytesAsync(HttpClient node, string key, byte[] value, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KeyPath(key)) { Content = new ByteArrayContent(value) };
        request.Content.Headers.ContentType = new(contentType);
        using var put = await node.SendAsync(request);
        Assert.True(put.IsSuccessStatusCode, $"PUT {key} answered {put.StatusCode}");
        return Seq(put);
    }

    private static async Task<long> DeleteAsync(HttpClient node, string key)
    {
        using var delete = await node.DeleteAsync(KeyPath(key));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        return Seq(delete);
    }

    private static async Task<List<SseEvent>> ReadEventsAsync(WatchConnection watch, int count)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
        {
            var next = await watch.NextAsync(EventTimeout) ?? throw new InvalidOperationException($"The stream ended after {events.Count} events.");
            Assert.NotEqual("close", next.Event);
            events.Add(next);
        }
        return events;
    }

    [Fact]
    public async Task Writes_through_node_2_reach_a_watcher_on_node_1_in_log_order_with_their_seqs_versions_and_values()
    {
        var cluster = shared.For(output);
        string prefix = NewPrefix("order");
        await using var watch = await WatchConnection.OpenAsync(cluster.Nodes[0].Url, "/v1/watch?" + Query("prefix", prefix));
        Assert.Equal(HttpStatusCode.OK, watch.Status);
        Assert.Equal("text/event-stream", watch.Response.Content.Headers.ContentType?.MediaType);
        string first = await watch.NextCommentAsync(EventTimeout);
        Assert.Matches(@"^watching from seq (\d+) \(this node's applied position (\d+)\)$", first);

        var writer = cluster.NodeClients[1];
        long created = await PutAsync(writer, prefix + "greeting", "héllo");
        long binary = await PutBytesAsync(writer, prefix + "blob", [0xFF, 0x00, 0xC3], "application/octet-stream");
        long updated = await PutAsync(writer, prefix + "greeting", "hello again");
        long deleted = await DeleteAsync(writer, prefix + "blob");

        var events = await ReadEventsAsync(watch, 4);

        Assert.Equal([created, binary, updated, deleted], events.Select(e => e.Seq));
        // One change per seq here: every event carries its seq as its id.
        Assert.Equal(events.Select(e => e.Seq.ToString(CultureInfo.InvariantCulture)), events.Select(e => e.Id));
        Assert.Equal(["put", "put", "put", "delete"], events.Select(e => e.Event));
        Assert.Equal(["put", "put", "put", "delete"], events.Select(e => e.Json.GetProperty("op").GetString()));
        Assert.Equal([created, binary, updated, deleted], events.Select(e => e.Json.GetProperty("version").GetInt64()));
        Assert.Equal("héllo", events[0].Json.GetProperty("value").GetString());
        Assert.Equal("text/plain; charset=utf-8", events[0].Json.GetProperty("contentType").GetString());
        Assert.Equal(Convert.ToBase64String([0xFF, 0x00, 0xC3]), events[1].Json.GetProperty("valueBase64").GetString());
        Assert.Equal("application/octet-stream", events[1].Json.GetProperty("contentType").GetString());
        Assert.Equal("hello again", events[2].Json.GetProperty("value").GetString());
        Assert.Equal(prefix + "blob", events[3].Key);
        long startedAt = long.Parse(System.Text.RegularExpressions.Regex.Match(first, @"\d+").Value, CultureInfo.InvariantCulture);
        Assert.True(created >= startedAt, $"the first write (seq {created}) is at or after where the stream started ({startedAt})");
    }

    [Fact]
    public async Task A_key_watch_and_a_prefix_watch_send_only_their_keys_and_an_idle_stream_gets_heartbeats()
    {
        var cluster = shared.For(output);
        string prefix = NewPrefix("filter");
        string key = NewPrefix("single") + "setting";
        await using var byPrefix = await WatchConnection.OpenAsync(cluster.Nodes[0].Url, "/v1/watch?" + Query("prefix", prefix));
        await using var byKey = await WatchConnection.OpenAsync(cluster.Nodes[2].Url, "/v1/watch?" + Query("key", key));
        await byPrefix.NextCommentAsync(EventTimeout);
        await byKey.NextCommentAsync(EventTimeout);

        var writer = cluster.NodeClients[1];
        long a = await PutAsync(writer, prefix + "a", "1");
        long k1 = await PutAsync(writer, key, "on");
        await PutAsync(writer, key + "-not-the-key", "x");
        await PutAsync(writer, "elsewhere/" + prefix, "x");
        long b = await PutAsync(writer, prefix + "nested/b", "2");
        long k2 = await PutAsync(writer, key, "off");

        Assert.Equal([a, b], (await ReadEventsAsync(byPrefix, 2)).Select(e => e.Seq));
        var keyEvents = await ReadEventsAsync(byKey, 2);
        Assert.Equal([k1, k2], keyEvents.Select(e => e.Seq));
        Assert.Equal(["on", "off"], keyEvents.Select(e => e.Json.GetProperty("value").GetString()));

        // Nothing more for this key: within a few heartbeat intervals (1 s here) a comment keeps the stream alive.
        Assert.Equal("heartbeat", await byKey.NextCommentAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_start_older_than_the_nodes_journal_is_replayed_from_the_log_and_then_followed_live()
    {
        var cluster = shared.For(output);
        string prefix = NewPrefix("history");
        var writer = cluster.NodeClients[1];
        var seqs = new List<long>();
        for (int i = 0; i < 2 * PrimitivesCluster.JournalMaxChanges + 8; i++) seqs.Add(await PutAsync(writer, $"{prefix}{i % 10}", $"v{i}"));

        await using var watch = await WatchConnection.OpenAsync(cluster.Nodes[0].Url, $"/v1/watch?{Query("prefix", prefix)}&from={seqs[0]}");
        string first = await watch.NextCommentAsync(EventTimeout);
        var history = await ReadEventsAsync(watch, seqs.Count);
        long live = await PutAsync(writer, prefix + "live", "now");
        var next = await ReadEventsAsync(watch, 1);

        Assert.StartsWith($"watching from seq {seqs[0]} (history from the log", first);
        Assert.Equal(seqs, history.Select(e => e.Seq));
        Assert.Equal(seqs.Select((_, i) => $"v{i}"), history.Select(e => e.Json.GetProperty("value").GetString()));
        Assert.Equal(live, next[0].Seq);
    }

    [Fact]
    public async Task Below_a_compacted_log_a_watch_is_410_naming_the_oldest_seq_and_from_there_history_comes_from_the_checkpoint()
    {
        var cluster = shared.For(output);
        long checkpointSeq = await CompactAsync(cluster);
        string prefix = NewPrefix("compacted");
        var writer = cluster.NodeClients[1];
        var seqs = new List<long>();
        for (int i = 0; i < PrimitivesCluster.JournalMaxChanges + 8; i++) seqs.Add(await PutAsync(writer, $"{prefix}{i}", $"v{i}"));

        using var http = TestCluster.CreateClient(cluster.Nodes[0].Url);
        using var gone = await http.GetAsync("/v1/watch?from=1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        string goneBody = await gone.Content.ReadAsStringAsync();
        output.WriteLine($"410: {goneBody}");
        var problem = JsonDocument.Parse(goneBody).RootElement;
        long oldest = problem.GetProperty("oldestSeq").GetInt64();
        Assert.Equal(checkpointSeq + 1, oldest);
        Assert.Contains($"is {oldest}", problem.GetProperty("detail").GetString());
        using var justBelow = await http.GetAsync($"/v1/watch?from={oldest - 1}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Gone, justBelow.StatusCode);

        // From the oldest seq: the checkpoint loaded into a replay, the log after it, then the journal.
        await using var watch = await WatchConnection.OpenAsync(cluster.Nodes[1].Url, $"/v1/watch?{Query("prefix", prefix)}&from={oldest}");
        Assert.Equal(HttpStatusCode.OK, watch.Status);
        var events = await ReadEventsAsync(watch, seqs.Count);
        Assert.Equal(seqs, events.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_watcher_killed_mid_stream_resumes_on_another_node_with_Last_Event_ID_and_sees_each_change_exactly_once()
    {
        var cluster = shared.For(output);
        string prefix = NewPrefix("resume");
        var acknowledged = new List<long>();
        await using (var first = await WatchConnection.OpenAsync(cluster.Nodes[0].Url, "/v1/watch?" + Query("prefix", prefix)))
        {
            await first.NextCommentAsync(EventTimeout);
            var writes = WriteAsync(cluster.NodeClients[2], prefix, acknowledged, count: 120);
            var before = await ReadEventsAsync(first, 40);
            long lastEventId = long.Parse(first.Parser.LastEventId!, CultureInfo.InvariantCulture);
            // Killed here, while the writes go on; the client kept what it read. It comes back once the writes went further
            // than any node's journal holds, so the resumed stream starts from history and meets the journal while writes go on.
            await first.DisposeAsync();
            await Eventually.TrueAsync(() => { lock (acknowledged) return acknowledged.Count >= before.Count + 2 * PrimitivesCluster.JournalMaxChanges; },
                EventTimeout, () => $"{acknowledged.Count} writes acknowledged");

            await using var resumed = await WatchConnection.OpenAsync(cluster.Nodes[1].Url, "/v1/watch?" + Query("prefix", prefix), lastEventId);
            if (resumed.Status != HttpStatusCode.OK) Assert.Fail($"{resumed.Status}: {await resumed.Response.Content.ReadAsStringAsync()}");
            string resumedFrom = await resumed.NextCommentAsync(EventTimeout);
            Assert.StartsWith($"watching from seq {lastEventId + 1} (history from the log", resumedFrom);
            await writes;
            var after = new List<SseEvent>();
            while (after.Count == 0 || after[^1].Seq < acknowledged[^1]) after.AddRange(await ReadEventsAsync(resumed, 1));

            output.WriteLine($"killed after seq {lastEventId}; resumed on node-2 ({resumedFrom}) with {after.Count} events to go");
            Assert.Equal(before[^1].Seq, lastEventId);
            Assert.Equal(acknowledged, before.Concat(after).Select(e => e.Seq));
        }
    }

    [Fact]
    public async Task A_node_at_its_stream_limit_refuses_one_more_with_503_and_Retry_After_until_a_stream_ends()
    {
        var cluster = shared.For(output);
        var node3 = cluster.Nodes[2].Url;
        string path = "/v1/watch?" + Query("prefix", NewPrefix("limit"));
        var open = new List<WatchConnection>();
        try
        {
            // Streams of earlier tests may take a moment to be noticed gone.
            await Eventually.TrueAsync(async () =>
            {
                var watch = await WatchConnection.OpenAsync(node3, path);
                if (watch.Status == HttpStatusCode.OK) open.Add(watch);
                else await watch.DisposeAsync();
                return open.Count == 2;
            }, EventTimeout, () => $"{open.Count} of 2 streams opened");

            await using (var refused = await WatchConnection.OpenAsync(node3, path))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
                Assert.Equal("application/problem+json", refused.Response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(refused.Response.Headers.RetryAfter);
                Assert.Contains("Kv:Watch:MaxStreams", await refused.Response.Content.ReadAsStringAsync());
            }

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                var watch = await WatchConnection.OpenAsync(node3, path);
                if (watch.Status == HttpStatusCode.OK) open.Add(watch);
                else await watch.DisposeAsync();
                return open.Count == 2;
            }, EventTimeout, () => "the slot of the stream that ended was not freed");
        }
        finally
        {
            foreach (var watch in open) await watch.DisposeAsync();
        }
    }

    // One writer, one write at a time: the acknowledged seqs in order. Overwrites and deletes among them.
    private static async Task WriteAsync(HttpClient node, string prefix, List<long> acknowledged, int count)
    {
        for (int i = 0; i < count; i++)
        {
            string key = $"{prefix}{i % 12}";
            long seq = i % 9 == 8 ? await DeleteAsync(node, $"{prefix}{(i - 1) % 12}") : await PutAsync(node, key, $"v{i}");
            lock (acknowledged) acknowledged.Add(seq);
        }
    }

    // What the coordinator's compaction does, at once: a node's snapshot published as the checkpoint, the log trimmed to it.
    private static async Task<long> CompactAsync(TestCluster cluster)
    {
        using var http = TestCluster.CreateClient(cluster.Nodes[0].Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/internal/snapshot");
        request.Headers.Add(TestCluster.InternalKeyHeader, cluster.InternalKey);
        using var snapshot = await http.SendAsync(request);
        snapshot.EnsureSuccessStatusCode();
        long seq = long.Parse(snapshot.Headers.GetValues("X-Kv-Snapshot-Seq").Single(), CultureInfo.InvariantCulture);
        string chainHash = snapshot.Headers.GetValues("X-Kv-Chain-Hash").Single();
        byte[] bytes = await snapshot.Content.ReadAsByteArrayAsync();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
        var log = new RedisReplicatedLog(redis, new LogKeys());
        await log.WriteCheckpointAsync(seq, chainHash, new MemoryStream(bytes));
        await log.TrimAsync(seq + 1);
        var extent = await log.ReadExtentAsync();
        Assert.Equal(seq + 1, extent.FirstSeq);
        return seq;
    }
}
