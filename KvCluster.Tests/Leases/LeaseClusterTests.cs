using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Leases;

/// <summary>
/// Leases on a real 3-node cluster: a lease not kept alive ends with its keys on every node within its TTL plus about a
/// second, at the same point of the log everywhere; keep-alives hold it; a revoke deletes at once; and expiry survives
/// the coordinator being killed and started again while the lease is live.
/// </summary>
[Collection(PrimitivesCollection.Name)]
public sealed class LeaseClusterTests(PrimitivesCluster shared, ITestOutputHelper output)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_lease_not_kept_alive_is_gone_with_its_keys_on_every_node_within_its_ttl_and_at_the_same_point_of_the_log()
    {
        var cluster = shared.For(output);
        // A first write through each node first: on a cluster that just started, one can take longer than the lease lives.
        for (int i = 0; i < 3; i++)
        {
            using var plain = await PutAsync(cluster.NodeClients[i], "expiring/unleased", "stays");
            Assert.True(plain.IsSuccessStatusCode);
        }
        var clock = Stopwatch.StartNew();
        string lease = await GrantAsync(cluster.NodeClients[0], ttlSeconds: 2);
        for (int i = 0; i < 3; i++)
        {
            using var put = await PutAsync(cluster.NodeClients[i], $"expiring/{i}", "here", Attach(lease));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Within TTL + 2 s of the grant's answer (the clock started before the request).
        await Eventually.TrueAsync(async () => await AllGoneAsync(cluster, "expiring/0", "expiring/1", "expiring/2"),
            TimeSpan.FromSeconds(2) + Slack - clock.Elapsed,
            () => $"the leased keys were still there {clock.Elapsed.TotalSeconds:0.0} s after the grant");
        output.WriteLine($"Gone everywhere {clock.Elapsed.TotalSeconds:0.00} s after the grant of a 2 s lease.");

        foreach (var node in cluster.NodeClients)
        {
            Assert.Equal("stays", await GetValueAsync(node, "expiring/unleased"));
            AssertProblem(await node.GetAsync($"/v1/leases/{lease}"), HttpStatusCode.NotFound);
        }
        AssertProblem(await cluster.NodeClients[2].PostAsync($"/v1/leases/{lease}/keepalive", null), HttpStatusCode.NotFound);
        AssertProblem(await PutAsync(cluster.NodeClients[0], "expiring/late", "x", Attach(lease)), HttpStatusCode.NotFound);
        await AssertIdenticalReplicasAsync(cluster);
    }

    [Fact]
    public async Task Keep_alives_hold_a_lease_past_its_ttl_and_a_revoke_then_deletes_its_keys_at_once_everywhere()
    {
        var cluster = shared.For(output);
        string lease = await GrantAsync(cluster.NodeClients[1], ttlSeconds: 2);
        using (var put = await PutAsync(cluster.NodeClients[0], "held/lock", "owner-1", request =>
               {
                   Attach(lease)(request);
                   request.Headers.IfNoneMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any);
               }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var held = Stopwatch.StartNew();
        while (held.Elapsed < TimeSpan.FromSeconds(4.5))
        {
            // From every node in turn: keep-alives go to Redis, whichever node takes them.
            using var kept = await cluster.NodeClients[(int)(held.ElapsedMilliseconds / 500) % 3].PostAsync($"/v1/leases/{lease}/keepalive", null);
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            Assert.Equal(2, (await JsonAsync(kept)).GetProperty("ttlSeconds").GetInt64());
            await Task.Delay(500);
        }
        Assert.Equal("owner-1", await GetValueAsync(cluster.NodeClients[2], "held/lock"));
        using (var described = await cluster.NodeClients[2].GetAsync($"/v1/leases/{lease}"))
        {
            Assert.Equal(HttpStatusCode.OK, described.StatusCode);
            var json = await JsonAsync(described);
            Assert.Equal(["held/lock"], json.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
            Assert.InRange(json.GetProperty("remainingSeconds").GetDouble(), 0.5, 2.0);
        }
        // A second owner cannot take the lock while the lease holds it.
        using (var second = await PutAsync(cluster.NodeClients[2], "held/lock", "owner-2",
                   request => request.Headers.IfNoneMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any)))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        }

        using var revoked = await cluster.NodeClients[0].DeleteAsync($"/v1/leases/{lease}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        foreach (var node in cluster.NodeClients) Assert.Null(await GetValueAsync(node, "held/lock"));
        AssertProblem(await cluster.NodeClients[1].DeleteAsync($"/v1/leases/{lease}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_put_naming_an_unknown_lease_is_404_and_changes_nothing_and_a_malformed_one_is_400()
    {
        var cluster = shared.For(output);

        AssertProblem(await PutAsync(cluster.NodeClients[0], "unknown/k", "v", Attach("00000000deadbeef")), HttpStatusCode.NotFound);
        AssertProblem(await PutAsync(cluster.NodeClients[0], "unknown/k", "v", Attach("not-a-lease")), HttpStatusCode.BadRequest);
        AssertProblem(await cluster.NodeClients[1].PostAsJsonAsync("/v1/leases", new { ttlSeconds = 0 }), HttpStatusCode.BadRequest);
        AssertProblem(await cluster.NodeClients[1].PostAsJsonAsync("/v1/leases", new { ttlSeconds = 86_401 }), HttpStatusCode.BadRequest);

        Assert.Null(await GetValueAsync(cluster.NodeClients[2], "unknown/k"));
    }

    [Fact]
    public async Task A_lease_still_expires_when_the_coordinator_is_killed_and_started_again_while_it_is_live_and_one_kept_alive_survives()
    {
        var cluster = shared.For(output);
        string lease = await GrantAsync(cluster.NodeClients[2], ttlSeconds: 3);
        string kept = await GrantAsync(cluster.NodeClients[0], ttlSeconds: 2);
        foreach (var (key, id) in new[] { ("restart/session", lease), ("restart/kept", kept) })
        {
            using var put = await PutAsync(cluster.NodeClients[2], key, "live", Attach(id));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        // Keep-alives need only Redis and a node: they go on while no coordinator runs.
        using var stopKeeping = new CancellationTokenSource();
        var keeper = Task.Run(async () =>
        {
            var failures = new List<string>();
            while (!stopKeeping.IsCancellationRequested)
            {
                using var alive = await cluster.NodeClients[1].PostAsync($"/v1/leases/{kept}/keepalive", null);
                if (alive.StatusCode != HttpStatusCode.OK) failures.Add($"{(int)alive.StatusCode} {await alive.Content.ReadAsStringAsync()}");
                await Task.Delay(400);
            }
            return failures;
        });

        cluster.Coordinator.Kill();
        var down = Stopwatch.StartNew();
        // Past the first lease's deadline, nothing expires it while no coordinator runs (reads need only Redis and a node).
        await Task.Delay(TimeSpan.FromSeconds(3.5) - down.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        Assert.Equal("live", await GetValueAsync(cluster.NodeClients[0], "restart/session"));
        await cluster.Coordinator.StartAsync();
        var up = Stopwatch.StartNew();

        await Eventually.TrueAsync(async () => await AllGoneAsync(cluster, "restart/session"), TimeSpan.FromSeconds(5),
            () => $"the key was still there {up.Elapsed.TotalSeconds:0.0} s after the coordinator was ready again");
        output.WriteLine($"Gone {up.Elapsed.TotalSeconds:0.00} s after the restarted coordinator was ready.");
        await stopKeeping.CancelAsync();
        Assert.Empty(await keeper);
        foreach (var node in cluster.NodeClients) Assert.Equal("live", await GetValueAsync(node, "restart/kept"));
        await AssertIdenticalReplicasAsync(cluster);
        using var revoked = await cluster.NodeClients[0].DeleteAsync($"/v1/leases/{kept}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
    }

    [Fact]
    public async Task Expiries_racing_concurrent_writes_on_every_node_delete_exactly_the_keys_last_written_under_them_identically_everywhere()
    {
        var cluster = shared.For(output);
        string[] leases = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => GrantAsync(cluster.NodeClients[i % 3], ttlSeconds: 1 + i % 2)));
        var writes = new System.Collections.Concurrent.ConcurrentBag<(string Key, string Lease, long Version)>();
        var writers = cluster.NodeClients.Select((node, n) => Task.Run(async () =>
        {
            var random = new Random(n);
            var writing = Stopwatch.StartNew();
            while (writing.Elapsed < TimeSpan.FromSeconds(3))
            {
                string key = $"mixed/k{random.Next(8)}";
                string lease = random.Next(3) == 0 ? "" : leases[random.Next(leases.Length)];
                using var put = await PutAsync(node, key, $"node{n}", lease.Length > 0 ? Attach(lease) : null);
                if (put.StatusCode == HttpStatusCode.NotFound) continue; // the lease had ended: nothing changed
                Assert.True(put.IsSuccessStatusCode, $"PUT {key} answered {(int)put.StatusCode}");
                writes.Add((key, lease, ETagVersion(put)));
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await Eventually.TrueAsync(async () => (await JsonAsync(await cluster.NodeClients[0].GetAsync("/v1/leases")))
            .GetProperty("leases").EnumerateArray().All(id => !leases.Contains(id.GetString())), TimeSpan.FromSeconds(5), () => "leases left");
        await AssertIdenticalReplicasAsync(cluster);

        // In log order, a key's last successful write decides: under a lease, the lease's end (later in the log) deleted
        // it; without one, it stands at that version.
        foreach (var last in writes.GroupBy(w => w.Key).Select(g => g.MaxBy(w => w.Version)))
        {
            foreach (var node in cluster.NodeClients)
            {
                using var get = await GetAsync(node, last.Key);
                if (last.Lease.Length > 0) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
                else Assert.Equal(last.Version, ETagVersion(get));
            }
        }
        output.WriteLine($"{writes.Count} writes, {writes.Count(w => w.Lease.Length > 0)} under a lease.");
    }

    private static Action<HttpRequestMessage> Attach(string lease) =>
        request => request.RequestUri = new Uri(request.RequestUri!.OriginalString + "?lease=" + lease, UriKind.Relative);

    private static async Task<string> GrantAsync(HttpClient node, int ttlSeconds)
    {
        using var granted = await node.PostAsJsonAsync("/v1/leases", new { ttlSeconds });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var json = await JsonAsync(granted);
        Assert.Equal(ttlSeconds, json.GetProperty("ttlSeconds").GetInt32());
        string id = json.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/leases/{id}", granted.Headers.Location?.OriginalString);
        return id;
    }

    private static async Task<bool> AllGoneAsync(TestCluster cluster, params string[] keys)
    {
        foreach (var node in cluster.NodeClients)
        {
            foreach (string key in keys)
            {
                // Local reads: what each replica holds now, without waiting on the log head.
                if (await GetValueAsync(node, key, "local") is not null) return false;
            }
        }
        return true;
    }

    // Every replica at the same applied seq with the same state digest (leases and their keys included).
    private static async Task AssertIdenticalReplicasAsync(TestCluster cluster)
    {
        NodeView[] views = [];
        await Eventually.TrueAsync(async () =>
        {
            views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            return views.All(v => v.Applied == views[0].Applied && v.Digest == views[0].Digest);
        }, TimeSpan.FromSeconds(10), () => string.Join("; ", views.Select(v => $"{v.Id} at {v.Applied}: {v.Digest[..12]}")));
    }
}
