using System.Net;
using System.Text.Json;
using KvCluster.Client;

namespace KvCluster.Tests.Client;

/// <summary><see cref="KvLease"/> against fake nodes: kept alive until disposed, then revoked; lost on a 404; a grant retried finds its own lease.</summary>
public sealed class KvClientLeaseTests
{
    private static readonly Uri NodeA = new("http://127.0.0.1:5101");
    private static readonly Uri NodeB = new("http://127.0.0.1:5102");

    [Fact]
    public async Task A_lease_is_kept_alive_until_disposed_then_revoked_and_a_put_names_it()
    {
        var nodes = new FakeNodes(request => (request.Method.Method, request.Uri.AbsolutePath) switch
        {
            ("POST", "/v1/leases") => FakeNodes.Respond(HttpStatusCode.Created, seq: 3, body: Granted(request)),
            ("POST", var path) when path.EndsWith("/keepalive", StringComparison.Ordinal) => FakeNodes.Respond(HttpStatusCode.OK, body: "{}"),
            ("DELETE", _) => FakeNodes.Respond(HttpStatusCode.NoContent, seq: 9),
            _ => FakeNodes.Respond(HttpStatusCode.Created, seq: 4, version: 4),
        });
        using var client = FakeNodes.Client(nodes, NodeA, NodeB);

        var lease = await client.GrantLeaseAsync(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(TimeSpan.FromSeconds(2), lease.Ttl);
        Assert.Matches("^[0-9a-f]{16}$", lease.Id);
        await client.PutStringAsync("svc/a", "up", new KvWriteOptions { LeaseId = lease.Id });
        await WaitUntil(() => KeepAlives(nodes, lease.Id) >= 2);
        Assert.False(lease.IsLost);

        await lease.DisposeAsync();
        int afterDispose = KeepAlives(nodes, lease.Id);
        var sent = nodes.Sent.ToArray();
        var grant = JsonDocument.Parse(sent[0].Body!).RootElement;
        Assert.Equal(2, grant.GetProperty("ttlSeconds").GetInt64());
        Assert.Equal(lease.Id, grant.GetProperty("id").GetString());
        Assert.Equal("?lease=" + lease.Id, sent[1].Uri.Query);
        Assert.Equal("/v1/leases/" + lease.Id, Assert.Single(sent, r => r.Method == HttpMethod.Delete).Uri.AbsolutePath);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(afterDispose, KeepAlives(nodes, lease.Id));
    }

    [Fact]
    public async Task A_keepalive_answered_404_makes_the_lease_lost_and_disposing_it_revokes_nothing()
    {
        var nodes = new FakeNodes(request => request.Uri.AbsolutePath == "/v1/leases"
            ? FakeNodes.Respond(HttpStatusCode.Created, body: Granted(request))
            : FakeNodes.Problem(HttpStatusCode.NotFound, "Lease not found", "It expired."));
        using var client = FakeNodes.Client(nodes, NodeA);

        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(1));
        var lost = new TaskCompletionSource();
        using var registration = lease.Lost.Register(lost.SetResult);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(lease.IsLost);
        await lease.DisposeAsync();
        Assert.DoesNotContain(nodes.Sent, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task A_grant_whose_answer_was_lost_is_retried_on_another_node_under_the_same_id_and_its_409_is_the_lease()
    {
        int grants = 0;
        var nodes = new FakeNodes(request =>
        {
            if (request.Uri.AbsolutePath == "/v1/leases" && Interlocked.Increment(ref grants) == 1) throw new HttpRequestException("Connection reset");
            if (request.Uri.AbsolutePath == "/v1/leases") return FakeNodes.Problem(HttpStatusCode.Conflict, "Lease exists", "It exists.");
            if (request.Method == HttpMethod.Get) return FakeNodes.Respond(HttpStatusCode.OK, seq: 5, body: """{"id":"x","ttlSeconds":5,"remainingSeconds":4.9,"keys":[]}""");
            return FakeNodes.Respond(HttpStatusCode.NoContent);
        });
        using var client = FakeNodes.Client(nodes, NodeA, NodeB);

        await using var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(5));

        var posts = nodes.Sent.Where(r => r.Uri.AbsolutePath == "/v1/leases").ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Equal(posts[0].Body, posts[1].Body);
        Assert.NotEqual(posts[0].Authority, posts[1].Authority);
        var check = Assert.Single(nodes.Sent, r => r.Method == HttpMethod.Get);
        Assert.Equal("/v1/leases/" + lease.Id, check.Uri.AbsolutePath);
        Assert.Contains("consistency=linearizable", check.Uri.Query, StringComparison.Ordinal);
    }

    private static string Granted(SentRequest request)
    {
        var body = JsonDocument.Parse(request.Body!).RootElement;
        return $$"""{"id":"{{body.GetProperty("id").GetString()}}","ttlSeconds":{{body.GetProperty("ttlSeconds").GetInt64()}}}""";
    }

    private static int KeepAlives(FakeNodes nodes, string id) => nodes.Sent.Count(r => r.Uri.AbsolutePath == $"/v1/leases/{id}/keepalive");

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(50);
        }
    }
}
