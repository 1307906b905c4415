using System.Net;
using System.Text;
using KvCluster.Client;

namespace KvCluster.Tests.Client;

/// <summary>
/// <see cref="KvClient.WatchAsync"/> against fake nodes: a seq's changes released only with its <c>id:</c>, a stream that
/// breaks or closes resumed elsewhere with <c>Last-Event-ID</c> and nothing seen twice, 410 as an exception naming the oldest seq.
/// </summary>
public sealed class KvClientWatchTests
{
    private const string EventStream = "text/event-stream";

    [Fact]
    public async Task A_broken_stream_is_resumed_after_the_last_whole_seq_and_each_change_is_seen_once()
    {
        var streams = new Queue<HttpResponseMessage>(
        [
            // Node 1: seq 10 whole, then the first of seq 11's two events, and the connection ends.
            FakeNodes.Respond(HttpStatusCode.OK, body:
                ": watching from seq 10 (this node's applied position 9)\n\n" +
                Event(10, "w/a", "put", "one", id: true) +
                Event(11, "w/b", "put", "two", id: false), mediaType: EventStream),
            // Node 2, asked for everything after 10: seq 11 whole, a lease's end, then it stops.
            FakeNodes.Respond(HttpStatusCode.OK, body:
                ": watching from seq 11\n\n" +
                Event(11, "w/b", "put", "two", id: false) +
                Event(11, "w/c", "put", null, id: true, valueBase64: Convert.ToBase64String([0xff, 0x00])) +
                Event(12, "w/a", "delete", null, id: true, cause: "lease-expired") +
                "event: close\ndata: {\"reason\":\"node-stopping\",\"detail\":\"The node is stopping.\",\"lastSeq\":14}\n\n",
                mediaType: EventStream),
            FakeNodes.Respond(HttpStatusCode.Gone, body: """{"title":"History compacted","status":410,"detail":"Gone.","oldestSeq":500}""",
                mediaType: "application/problem+json"),
        ]);
        var nodes = new FakeNodes(_ => streams.Dequeue());
        using var client = FakeNodes.Client(nodes, new Uri("http://127.0.0.1:5101"), new Uri("http://127.0.0.1:5102"));

        var seen = new List<KvChange>();
        var gone = await Assert.ThrowsAsync<KvHistoryCompactedException>(async () =>
        {
            await foreach (var change in client.WatchAsync("w/")) seen.Add(change);
        });

        Assert.Equal(500, gone.OldestSeq);
        Assert.Contains("500", gone.Message, StringComparison.Ordinal);
        Assert.Equal([(10L, "w/a"), (11L, "w/b"), (11L, "w/c"), (12L, "w/a")], seen.Select(c => (c.Seq, c.Key)));
        Assert.Equal("one", Encoding.UTF8.GetString(seen[0].Value.Span));
        Assert.Equal([0xff, 0x00], seen[2].Value.ToArray());
        Assert.Equal(KvChangeOp.Delete, seen[3].Op);
        Assert.Equal("lease-expired", seen[3].Cause);

        var sent = nodes.Sent.ToArray();
        Assert.All(sent, request => Assert.Equal("/v1/watch", request.Uri.AbsolutePath));
        Assert.All(sent, request => Assert.Contains("prefix=w%2F", request.Uri.Query, StringComparison.Ordinal));
        Assert.Null(sent[0].Header("Last-Event-ID"));
        Assert.DoesNotContain("from=", sent[0].Uri.Query, StringComparison.Ordinal);
        Assert.Equal("10", sent[1].Header("Last-Event-ID"));
        // The close said every change through 14 was sent: nothing before 15 is asked for again.
        Assert.Equal("14", sent[2].Header("Last-Event-ID"));
        Assert.NotEqual(sent[0].Authority, sent[1].Authority);
    }

    [Fact]
    public async Task A_watch_from_a_seq_asks_for_it_and_a_stream_lost_before_its_first_event_resumes_from_there()
    {
        var streams = new Queue<HttpResponseMessage>(
        [
            FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Too many watch streams", "Retry."),
            FakeNodes.Respond(HttpStatusCode.OK, body: ": watching from seq 5\n\n", mediaType: EventStream),
            FakeNodes.Respond(HttpStatusCode.OK, body: ": watching from seq 5\n\n" + Event(7, "k", "put", "v", id: true), mediaType: EventStream),
            FakeNodes.Respond(HttpStatusCode.OK, body: ": watching from seq 1\n\n" + Event(1, "k", "put", "v", id: true), mediaType: EventStream),
        ]);
        var nodes = new FakeNodes(_ => streams.Dequeue());
        using var client = FakeNodes.Client(nodes, new Uri("http://127.0.0.1:5101"), new Uri("http://127.0.0.1:5102"));

        await foreach (var change in client.WatchAsync("", fromSeq: 5))
        {
            Assert.Equal(7, change.Seq);
            break;
        }
        await foreach (var change in client.WatchAsync("", fromSeq: 1))
        {
            break;
        }

        var sent = nodes.Sent.ToArray();
        Assert.Equal(4, sent.Length);
        // A Last-Event-ID is a seq (1 or more): from the first seq, the start is asked for as from=1.
        Assert.Contains("from=1", sent[3].Uri.Query, StringComparison.Ordinal);
        Assert.Null(sent[3].Header("Last-Event-ID"));
        sent = sent[..3];
        // "From 5" is "after 4", which is how every attempt asks, the one after the stream with no event too.
        Assert.All(sent, request => Assert.Equal("4", request.Header("Last-Event-ID")));
    }

    private static string Event(long seq, string key, string op, string? value, bool id, string? valueBase64 = null, string? cause = null)
    {
        string data = $$"""{"seq":{{seq}},"key":"{{key}}","op":"{{op}}","version":{{seq}},"contentType":"text/plain" """.TrimEnd()
            + (value is null ? "" : $",\"value\":\"{value}\"")
            + (valueBase64 is null ? "" : $",\"valueBase64\":\"{valueBase64}\"")
            + (cause is null ? "" : $",\"cause\":\"{cause}\"") + "}";
        return (id ? $"id: {seq}\n" : "") + $"event: {op}\ndata: {data}\n\n";
    }
}
