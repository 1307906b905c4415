using System.Net;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Security;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>
/// A real 3-node cluster, shared by these tests (each writes keys of its own): what one node accepts, every node
/// serves, in the same order.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicationTests(SharedCluster shared, ITestOutputHelper output) : IClassFixture<SharedCluster>
{
    [Fact]
    public async Task Without_client_tokens_the_internal_routes_still_refuse_callers_without_the_internal_key()
    {
        var wrong = await OutsiderProbe.CheckAsync(shared.For(output), bearer: null);

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task A_write_on_any_node_is_read_from_every_node_at_linearizable()
    {
        var cluster = shared.For(output);
        for (int writer = 0; writer < cluster.NodeClients.Count; writer++)
        {
            string key = $"greeting/{writer}";
            using var put = await PutAsync(cluster.NodeClients[writer], key, $"hello from node {writer + 1}");
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

            foreach (var reader in cluster.NodeClients)
            {
                using var get = await GetAsync(reader, key);
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                Assert.Equal($"hello from node {writer + 1}", await get.Content.ReadAsStringAsync());
                Assert.Equal("text/plain", get.Content.Headers.ContentType?.MediaType);
                Assert.Equal(Seq(put), ETagVersion(get));
            }
        }
    }

    [Fact]
    public async Task A_session_read_with_the_writers_seq_sees_the_write_on_another_node()
    {
        var cluster = shared.For(output);
        long lastSeq = 0;
        for (int i = 0; i < 50; i++)
        {
            var writer = cluster.NodeClients[i % 3];
            var reader = cluster.NodeClients[(i + 1) % 3];
            using var put = await PutAsync(writer, "counter", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");
            long seq = Seq(put);
            Assert.True(seq > lastSeq, "sequence numbers grow");
            lastSeq = seq;

            using var get = await GetAsync(reader, "counter", "session", seq);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await get.Content.ReadAsStringAsync());
            Assert.True(Seq(get) >= seq, "a session read reports a position at least the one it waited for");
        }
    }

    [Fact]
    public async Task Concurrent_writers_on_all_nodes_leave_every_node_identical()
    {
        var cluster = shared.For(output);
        const int writesPerNode = 150;
        var writers = cluster.NodeClients.Select((client, n) => Task.Run(async () =>
        {
            for (int i = 0; i < writesPerNode; i++)
            {
                // A small key space, so nodes overwrite each other's keys and order matters.
                using var put = await PutAsync(client, $"k{i % 20}", $"node{n}-write{i}");
                Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");
                if (i % 10 == 9)
                {
                    using var delete = await client.DeleteAsync(KeyPath($"k{(i + n) % 20}"));
                    Assert.True(delete.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);

        long head = await HeadAsync(cluster.NodeClients[0]);
        Assert.True(head >= 3 * writesPerNode);
        NodeView[] views = [];
        await Eventually.TrueAsync(async () =>
        {
            views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            return views.All(v => v.Applied == head);
        }, TimeSpan.FromSeconds(10), () => $"applied: {string.Join(", ", views.Select(v => $"{v.Id}={v.Applied}"))}, head {head}");

        Assert.Single(views.Select(v => v.Digest).Distinct());
        Assert.Single(views.Select(v => v.Keys).Distinct());
    }

    [Fact]
    public async Task Of_many_concurrent_create_only_writes_of_one_key_exactly_one_wins()
    {
        var cluster = shared.For(output);
        var attempts = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            using var put = await PutAsync(cluster.NodeClients[i % 3], "leader", $"candidate-{i}",
                request => request.Headers.TryAddWithoutValidation("If-None-Match", "*"));
            return (i, put.StatusCode);
        })).ToList();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Single(winners);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        foreach (var client in cluster.NodeClients)
        {
            Assert.Equal($"candidate-{winners[0].i}", await GetValueAsync(client, "leader"));
        }
    }

    [Fact]
    public async Task A_retried_put_with_the_same_idempotency_key_is_applied_once()
    {
        var cluster = shared.For(output);
        using var first = await PutAsync(cluster.NodeClients[0], "order/17", "paid",
            request => request.Headers.Add("Idempotency-Key", "pay-order-17"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        long headAfterFirst = await HeadAsync(cluster.NodeClients[0]);

        // Someone else changes the key; then the client's retry arrives, on another node.
        using var other = await PutAsync(cluster.NodeClients[1], "order/17", "refunded");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var retry = await PutAsync(cluster.NodeClients[2], "order/17", "paid",
            request => request.Headers.Add("Idempotency-Key", "pay-order-17"));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(Seq(first), Seq(retry));
        Assert.Equal((await JsonAsync(first)).GetProperty("version").GetInt64(), (await JsonAsync(retry)).GetProperty("version").GetInt64());
        Assert.Equal(headAfterFirst + 1, await HeadAsync(cluster.NodeClients[0]));
        Assert.Equal("refunded", await GetValueAsync(cluster.NodeClients[0], "order/17"));
    }

    [Fact]
    public async Task Conditional_writes_follow_the_version_in_if_match()
    {
        var cluster = shared.For(output);
        var client = cluster.NodeClients[0];
        using var created = await PutAsync(client, "config", "v1");
        long version = ETagVersion(created);

        using var stale = await PutAsync(cluster.NodeClients[1], "config", "v2", r => r.Headers.TryAddWithoutValidation("If-Match", $"\"{version + 100}\""));
        AssertProblem(stale, HttpStatusCode.PreconditionFailed);

        using var fresh = await PutAsync(cluster.NodeClients[1], "config", "v2", r => r.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\""));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.False((await JsonAsync(fresh)).GetProperty("created").GetBoolean());

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, KeyPath("config"));
        staleDelete.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        using var refused = await client.SendAsync(staleDelete);
        AssertProblem(refused, HttpStatusCode.PreconditionFailed);

        using var delete = await client.DeleteAsync(KeyPath("config"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await client.DeleteAsync(KeyPath("config"));
        AssertProblem(gone, HttpStatusCode.NotFound);
        using var missing = await GetAsync(cluster.NodeClients[1], "config");
        AssertProblem(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Listing_pages_through_keys_by_prefix_in_order()
    {
        var cluster = shared.For(output);
        var client = cluster.NodeClients[0];
        var expected = new List<string>();
        for (int i = 0; i < 25; i++)
        {
            string key = $"users/{i:D3}";
            expected.Add(key);
            using var put = await PutAsync(client, key, new string('x', i));
            put.EnsureSuccessStatusCode();
        }
        using (var other = await PutAsync(client, "groups/1", "g")) other.EnsureSuccessStatusCode();

        var seen = new List<string>();
        string? after = null;
        do
        {
            string url = "/v1/kv?prefix=users/&limit=10" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            using var page = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var json = await JsonAsync(page);
            foreach (var item in json.GetProperty("items").EnumerateArray())
            {
                string key = item.GetProperty("key").GetString()!;
                seen.Add(key);
                Assert.Equal(int.Parse(key[6..], System.Globalization.CultureInfo.InvariantCulture), item.GetProperty("size").GetInt32());
            }
            after = json.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null ? null : json.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(expected, seen);
    }
}
