using System.Net;
using KvCluster.Client;

namespace KvCluster.Tests.Client;

/// <summary>The client's own logic against fake nodes: connection strings, 412 as a result, retries and the session.</summary>
public sealed class KvClientTests
{
    private static readonly Uri NodeA = new("http://127.0.0.1:5101");
    private static readonly Uri NodeB = new("http://127.0.0.1:5102");

    [Fact]
    public void A_connection_string_names_the_endpoints_and_the_token_and_a_bare_list_of_urls_works_too()
    {
        var options = KvClientOptions.Parse("Endpoints=http://127.0.0.1:5101,http://127.0.0.1:5102;Token=xyz=");
        Assert.Equal([NodeA, NodeB], options.Endpoints);
        Assert.Equal("xyz=", options.Token);

        var lower = KvClientOptions.Parse(" endpoints = http://a:1 ; token=t ");
        Assert.Equal([new Uri("http://a:1")], lower.Endpoints);
        Assert.Equal("t", lower.Token);

        var bare = KvClientOptions.Parse("http://127.0.0.1:5101, http://127.0.0.1:5102");
        Assert.Equal([NodeA, NodeB], bare.Endpoints);
        Assert.Null(bare.Token);
    }

    [Theory]
    [InlineData("Endpoints=")]
    [InlineData("Token=xyz")]
    [InlineData("Endpoints=http://a:1;Password=x")]
    [InlineData("Endpoints=ftp://a:1")]
    [InlineData("not a url")]
    [InlineData("http://a:1,127.0.0.1:5102")]
    [InlineData("Endpoints=http://a:1;garbage")]
    public void A_bad_connection_string_is_a_FormatException_that_says_what_is_wrong(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => KvClientOptions.Parse(connectionString));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_connection_string_is_an_ArgumentException(string connectionString) =>
        Assert.Throws<ArgumentException>(() => KvClientOptions.Parse(connectionString));

    [Fact]
    public async Task A_failed_condition_is_a_result_with_Succeeded_false_and_the_conditions_are_sent_as_http_preconditions()
    {
        var nodes = new FakeNodes(_ => FakeNodes.Problem(HttpStatusCode.PreconditionFailed, "Precondition failed", "Key 'k' is at version 9.", seq: 12));
        using var client = Client(nodes, NodeA);

        var stale = await client.PutStringAsync("k", "v", new KvWriteOptions { IfVersion = 7 });
        var again = await client.PutStringAsync("k", "v", new KvWriteOptions { IfAbsent = true });

        Assert.False(stale.Succeeded);
        Assert.False(again.Succeeded);
        Assert.Equal(12, stale.Seq);
        var sent = nodes.Sent.ToArray();
        Assert.Equal("\"7\"", sent[0].Header("If-Match"));
        Assert.Equal("*", sent[1].Header("If-None-Match"));
        Assert.Equal("text/plain; charset=utf-8", sent[0].ContentType);
        Assert.Equal("v", sent[0].Body);

        nodes.Answer = _ => FakeNodes.Problem(HttpStatusCode.PreconditionFailed, "Precondition failed", "Key 'k' is at version 9.", seq: 13);
        Assert.False(await client.DeleteAsync("k", new KvWriteOptions { IfVersion = 7 }));
        nodes.Answer = _ => FakeNodes.Problem(HttpStatusCode.NotFound, "Key not found", "There is no key 'k'.", seq: 14);
        Assert.False(await client.DeleteAsync("k"));
        Assert.Null(await client.GetAsync("k"));
    }

    [Fact]
    public async Task A_write_answered_503_is_sent_again_to_another_node_with_the_same_idempotency_key()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://127.0.0.1:5101"
            ? FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Log unavailable", "Retry with the same Idempotency-Key.")
            : FakeNodes.Respond(HttpStatusCode.Created, seq: 5, version: 5, body: """{"key":"k","version":5,"created":true}"""));
        using var client = Client(nodes, NodeA, NodeB);

        // Twice, so that one of the calls starts on each node: the one that starts on A must end on B.
        var first = await client.PutStringAsync("k", "v");
        var second = await client.PutStringAsync("k", "v");

        Assert.True(first.Succeeded && first.Created && first.Version == 5 && first.Seq == 5);
        Assert.True(second.Succeeded);
        var sent = nodes.Sent.ToArray();
        var retried = sent.Where(r => r.Authority == "http://127.0.0.1:5101").Select(r => r.Header("Idempotency-Key")).ToArray();
        Assert.NotEmpty(retried);
        foreach (string? key in retried)
        {
            Assert.False(string.IsNullOrEmpty(key));
            Assert.Single(sent, r => r.Authority == "http://127.0.0.1:5102" && r.Header("Idempotency-Key") == key);
        }
        // Two calls, two keys: one per call, not per client.
        Assert.Equal(2, sent.Select(r => r.Header("Idempotency-Key")).Distinct().Count());
    }

    [Fact]
    public async Task A_write_whose_connection_failed_is_sent_again_to_another_node_with_the_same_idempotency_key()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://127.0.0.1:5101"
            ? throw new HttpRequestException("Connection refused (127.0.0.1:5101)")
            : FakeNodes.Respond(HttpStatusCode.NoContent, seq: 8));
        using var client = Client(nodes, NodeA, NodeB);

        Assert.True(await client.DeleteAsync("k", new KvWriteOptions { IdempotencyKey = "delete-k-once" }));
        Assert.True(await client.DeleteAsync("k", new KvWriteOptions { IdempotencyKey = "delete-k-once" }));

        var sent = nodes.Sent.ToArray();
        Assert.Contains(sent, r => r.Authority == "http://127.0.0.1:5101");
        Assert.All(sent, r => Assert.Equal("delete-k-once", r.Header("Idempotency-Key")));
        Assert.Equal(2, sent.Count(r => r.Authority == "http://127.0.0.1:5102"));
    }

    [Fact]
    public async Task Session_reads_carry_the_highest_seq_seen_from_writes_and_reads_and_never_a_lower_one()
    {
        long answerSeq = 42;
        var nodes = new FakeNodes(request => request.Method == HttpMethod.Put
            ? FakeNodes.Respond(HttpStatusCode.OK, seq: answerSeq, version: answerSeq, body: """{"key":"k","version":1,"created":false}""")
            : FakeNodes.Respond(HttpStatusCode.OK, seq: answerSeq, version: 3, body: "value", mediaType: "text/plain"));
        using var client = Client(nodes, NodeA, NodeB);

        Assert.Equal(0, client.SessionSeq);
        await client.PutStringAsync("k", "v");                       // seq 42
        answerSeq = 50;
        Assert.Equal("value", await client.GetStringAsync("k"));     // sent with 42, answered 50
        answerSeq = 45;
        await client.GetAsync("k");                                  // sent with 50, answered 45 (another node, less far)
        await client.GetAsync("k");                                  // still 50
        await client.GetAsync("k", new KvReadOptions { Consistency = KvConsistency.Local });

        var reads = nodes.Sent.Where(r => r.Method == HttpMethod.Get).ToArray();
        Assert.Equal(["42", "50", "50", null], reads.Select(r => r.Header("X-Kv-Min-Seq")));
        Assert.All(reads[..3], r => Assert.EndsWith("?consistency=session", r.Uri.AbsoluteUri));
        Assert.EndsWith("?consistency=local", reads[3].Uri.AbsoluteUri);
        Assert.Equal(50, client.SessionSeq);
        // Reads go to the nodes in turn: this session crossed nodes.
        Assert.Equal(2, nodes.Sent.Select(r => r.Authority).Distinct().Count());
    }

    [Fact]
    public async Task A_refused_request_is_a_KvException_with_the_status_and_the_servers_detail_and_is_not_retried()
    {
        var nodes = new FakeNodes(_ => FakeNodes.Problem(HttpStatusCode.BadRequest, "Invalid key", "Keys are 1 to 1024 bytes of UTF-8."));
        using var client = Client(nodes, NodeA, NodeB);

        var error = await Assert.ThrowsAsync<KvException>(() => client.PutStringAsync("k", "v"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("Invalid key", error.Title);
        Assert.Equal("Keys are 1 to 1024 bytes of UTF-8.", error.Detail);
        Assert.Contains("PUT k: 400 Invalid key", error.Message, StringComparison.Ordinal);
        Assert.Single(nodes.Sent);

        nodes.Answer = _ => FakeNodes.Problem(HttpStatusCode.Unauthorized, "Unauthorized", "Send Authorization: Bearer <token>.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<KvException>(() => client.GetAsync("k"))).StatusCode);
    }

    [Fact]
    public async Task When_no_node_can_serve_a_write_the_exception_names_every_attempt_and_the_key_to_retry_with()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://127.0.0.1:5101"
            ? throw new HttpRequestException("Connection refused")
            : FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Log unavailable", "Redis is down."));
        using var client = Client(nodes, NodeA, NodeB);

        var error = await Assert.ThrowsAsync<KvUnavailableException>(() => client.PutStringAsync("k", "v"));

        Assert.Equal(4, error.Attempts.Count);
        Assert.Equal(4, nodes.Sent.Count);
        Assert.Contains(error.Attempts, a => a.Contains("127.0.0.1:5101", StringComparison.Ordinal) && a.Contains("no connection", StringComparison.Ordinal));
        Assert.Contains(error.Attempts, a => a.Contains("127.0.0.1:5102", StringComparison.Ordinal) && a.Contains("503 Log unavailable", StringComparison.Ordinal));
        Assert.Single(nodes.Sent.Select(r => r.Header("Idempotency-Key")).Distinct());
        Assert.Equal(nodes.Sent.First().Header("Idempotency-Key"), error.IdempotencyKey);
        Assert.Contains(error.IdempotencyKey!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_carries_the_token_and_a_listing_follows_the_pages()
    {
        var nodes = new FakeNodes(request => FakeNodes.Respond(HttpStatusCode.OK, seq: 9, body: request.Uri.Query.Contains("after=u%2F2", StringComparison.Ordinal)
            ? """{"items":[{"key":"u/3","version":7,"size":1}],"next":null}"""
            : """{"items":[{"key":"u/1","version":4,"size":5},{"key":"u/2","version":5,"size":6}],"next":"u/2"}"""));
        using var client = new KvClient(new KvClientOptions { Endpoints = [NodeA], Token = "secret", ListPageSize = 2 }, new HttpClient(nodes));

        var listed = new List<KvItemInfo>();
        await foreach (var item in client.ListAsync("u/")) listed.Add(item);

        Assert.Equal(["u/1", "u/2", "u/3"], listed.Select(i => i.Key));
        Assert.Equal([4L, 5L, 7L], listed.Select(i => i.Version));
        Assert.Equal(6, listed[1].Size);
        var sent = nodes.Sent.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Contains("prefix=u%2F&limit=2", sent[0].Uri.Query, StringComparison.Ordinal);
        Assert.All(sent, r => Assert.Equal("Bearer secret", r.Header("Authorization")));
    }

    [Fact]
    public async Task Keys_are_sent_as_one_path_segment()
    {
        var nodes = new FakeNodes(_ => FakeNodes.Respond(HttpStatusCode.Created, seq: 1, version: 1));
        using var client = Client(nodes, NodeA);

        await client.PutStringAsync("users/42 é", "v");
        await client.PutStringAsync("..", "v");

        var sent = nodes.Sent.ToArray();
        Assert.Equal("/v1/kv/users%2F42%20%C3%A9", sent[0].Uri.AbsolutePath);
        Assert.Equal("/v1/kv/%2E%2E", sent[1].Uri.AbsolutePath);
    }

    [Fact]
    public async Task Options_that_cannot_work_are_refused_at_once()
    {
        Assert.Throws<ArgumentException>(() => new KvClient(new KvClientOptions()));
        using var client = Client(new FakeNodes(_ => FakeNodes.Respond(HttpStatusCode.OK)), NodeA);
        await Assert.ThrowsAsync<ArgumentException>(() => client.PutStringAsync("k", "v", new KvWriteOptions { IfAbsent = true, IfVersion = 3 }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteAsync("k", new KvWriteOptions { IfAbsent = true }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.PutStringAsync("k", "v", new KvWriteOptions { IdempotencyKey = "has space" }));
    }

    private static KvClient Client(FakeNodes nodes, params Uri[] endpoints) => FakeNodes.Client(nodes, endpoints);
}
