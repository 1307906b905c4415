using System.Collections.Concurrent;
using System.Diagnostics;
using KvCluster.Client;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace KvCluster.Tests.Client;

/// <summary>
/// <see cref="KvClient"/> against a real 3-node cluster, as a user would see it: reads its writes on another node,
/// conditions as results, listings over pages, a node killed in the middle of a stream of writes losing none and
/// doubling none, a watch surviving the kill of its node, a lease kept alive past its TTL, a two-key transaction through
/// <c>AddKvClusterClient</c>. Keys under <c>client/</c>.
/// </summary>
[Collection(PrimitivesCollection.Name)]
public sealed class KvClientClusterTests(PrimitivesCluster shared, ITestOutputHelper output)
{
    [Fact]
    public async Task A_write_through_one_node_is_read_by_a_session_read_on_another()
    {
        var cluster = shared.For(output);
        using var writer = Client(cluster, cluster.Nodes[0]);
        using var reader = Client(cluster, cluster.Nodes[1], cluster.Nodes[2]);
        for (int i = 0; i < 20; i++)
        {
            var written = await writer.PutStringAsync("client/session", $"value {i}");
            Assert.True(written.Succeeded);
            // The reader's session is the writer's: what a service hands its next hop.
            reader.AdvanceSession(writer.SessionSeq);
            var read = await reader.GetAsync("client/session");
            Assert.Equal($"value {i}", System.Text.Encoding.UTF8.GetString(read!.Value.Span));
            Assert.Equal(written.Version, read.Version);
            Assert.Equal("text/plain; charset=utf-8", read.ContentType);
        }

        // One client over every node: calls go to the nodes in turn, so each read is on another node than its write.
        using var client = Client(cluster, [.. cluster.Nodes]);
        for (int i = 0; i < 20; i++)
        {
            await client.PutStringAsync($"client/own/{i % 3}", $"mine {i}");
            Assert.Equal($"mine {i}", await client.GetStringAsync($"client/own/{i % 3}"));
        }
        Assert.Null(await client.GetStringAsync("client/never-written"));
    }

    [Fact]
    public async Task Conditions_that_do_not_hold_are_results_and_deletes_say_whether_there_was_a_key()
    {
        var cluster = shared.For(output);
        using var client = Client(cluster, [.. cluster.Nodes]);

        var created = await client.PutStringAsync("client/lock", "owner-a", new KvWriteOptions { IfAbsent = true });
        var taken = await client.PutStringAsync("client/lock", "owner-b", new KvWriteOptions { IfAbsent = true });
        Assert.True(created.Succeeded && created.Created);
        Assert.False(taken.Succeeded);
        Assert.Equal("owner-a", await client.GetStringAsync("client/lock"));

        var replaced = await client.PutStringAsync("client/lock", "owner-a2", new KvWriteOptions { IfVersion = created.Version });
        Assert.True(replaced.Succeeded && !replaced.Created && replaced.Version > created.Version);
        var stale = await client.PutStringAsync("client/lock", "owner-c", new KvWriteOptions { IfVersion = created.Version });
        Assert.False(stale.Succeeded);
        Assert.Equal("owner-a2", await client.GetStringAsync("client/lock", new KvReadOptions { Consistency = KvConsistency.Linearizable }));

        Assert.False(await client.DeleteAsync("client/lock", new KvWriteOptions { IfVersion = created.Version }));
        Assert.True(await client.DeleteAsync("client/lock", new KvWriteOptions { IfVersion = replaced.Version }));
        Assert.False(await client.DeleteAsync("client/lock"));
        Assert.Null(await client.GetAsync("client/lock"));

        var badKey = await Assert.ThrowsAsync<KvException>(() => client.PutStringAsync("client/\u0001", "x"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.False(string.IsNullOrEmpty(badKey.Detail));
    }

    [Fact]
    public async Task A_listing_follows_the_pages_in_key_order()
    {
        var cluster = shared.For(output);
        using var client = Client(cluster, [.. cluster.Nodes], options => options.ListPageSize = 3);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 9; i >= 0; i--)
        {
            string key = $"client/list/{i:00}";
            versions[key] = (await client.PutStringAsync(key, new string('x', i + 1))).Version;
        }
        await client.PutStringAsync("client/listx", "outside the prefix");

        var listed = new List<KvItemInfo>();
        await foreach (var item in client.ListAsync("client/list/")) listed.Add(item);

        Assert.Equal(versions.Keys.Order(StringComparer.Ordinal), listed.Select(item => item.Key));
        Assert.All(listed, item => Assert.Equal(versions[item.Key], item.Version));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), listed.Select(item => item.Size));
    }

    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_stream_of_writes_loses_no_acknowledged_write_and_doubles_none()
    {
        var cluster = shared.For(output);
        var failures = new FailedAttempts();
        using var http = new HttpClient(failures) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KvClient(Options(cluster, [.. cluster.Nodes]), http);
        var victim = cluster.Nodes[1];
        const int Writers = 4;
        const int KeysPerWriter = 3;
        var acknowledged = new ConcurrentDictionary<string, (string Value, long Version)>(StringComparer.Ordinal);
        var refused = new ConcurrentQueue<string>();
        int writes = 0;
        using var stop = new CancellationTokenSource();

        // Each writer owns its keys and writes each one only if it is still at the version its last write got: a write
        // applied twice (a retry that was not recognised as one) would find the key moved on and come back Succeeded = false.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string key = $"client/kill/w{w}/k{i % KeysPerWriter}";
                string value = $"w{w}-{i}";
                var condition = acknowledged.TryGetValue(key, out var last)
                    ? new KvWriteOptions { IfVersion = last.Version }
                    : new KvWriteOptions { IfAbsent = true };
                var result = await client.PutStringAsync(key, value, condition);
                if (!result.Succeeded)
                {
                    refused.Enqueue($"{key} = {value} (condition {condition})");
                    return;
                }
                acknowledged[key] = (value, result.Version);
                Interlocked.Increment(ref writes);
            }
        })).ToArray();

        // A writer stops at a refused write or an exception, so a stall says which.
        string Stalled(string when) => $"{Volatile.Read(ref writes)} writes in all, {when}; refused: [{string.Join("; ", refused)}]; " +
            $"failed: [{string.Join("; ", writers.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!.Message))}]";
        try
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref writes) >= 40, TimeSpan.FromSeconds(10), () => Stalled("before the kill"));
            int atKill = Volatile.Read(ref writes);
            var clock = Stopwatch.StartNew();
            victim.Kill();
            await Eventually.TrueAsync(() => Volatile.Read(ref writes) >= atKill + 40, TimeSpan.FromSeconds(10),
                () => Stalled($"{atKill} at the kill"));
            output.WriteLine($"{Volatile.Read(ref writes) - atKill} writes acknowledged in the {clock.Elapsed.TotalSeconds:0.0} s after {victim.Name} was killed.");
            await victim.StartAsync();
            int atRestart = Volatile.Read(ref writes);
            await Eventually.TrueAsync(() => Volatile.Read(ref writes) >= atRestart + 40, TimeSpan.FromSeconds(10),
                () => Stalled($"{atRestart} at the restart"));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            if (!victim.IsRunning) await victim.StartAsync();
        }

        Assert.Empty(refused);
        Assert.Equal(Writers * KeysPerWriter, acknowledged.Count);
        output.WriteLine($"{writes} writes acknowledged, session at seq {client.SessionSeq}; {failures.Count} attempts failed and were sent " +
            "again to another node.");
        // The kill was felt: writes in flight on the victim, or sent to it before the client knew, failed and went elsewhere.
        Assert.True(failures.Count > 0, "No attempt failed: the kill did not reach the stream of writes.");

        // What each key holds is its last acknowledged write, at that write's version: nothing lost, nothing applied again
        // after it. Read through the restarted node too.
        using var restarted = Client(cluster, victim);
        restarted.AdvanceSession(client.SessionSeq);
        foreach (var (key, (value, version)) in acknowledged)
        {
            foreach (var reader in (KvClient[])[client, restarted])
            {
                var item = await reader.GetAsync(key);
                Assert.NotNull(item);
                Assert.Equal(value, System.Text.Encoding.UTF8.GetString(item.Value.Span));
                Assert.Equal(version, item.Version);
            }
        }
        var listed = new List<KvItemInfo>();
        await foreach (var item in restarted.ListAsync("client/kill/")) listed.Add(item);
        Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), listed.Select(item => item.Key));
    }

    [Fact]
    public async Task A_watch_through_the_client_survives_the_kill_of_its_node_and_sees_each_change_once()
    {
        var cluster = shared.For(output);
        var victim = cluster.Nodes[1];
        using var writer = Client(cluster, cluster.Nodes[0], cluster.Nodes[2]);
        // The watch's first call goes to the first endpoint: the node to be killed.
        var watcherRequests = new FailedAttempts();
        using var watcherHttp = new HttpClient(watcherRequests) { Timeout = Timeout.InfiniteTimeSpan };
        using var watcher = new KvClient(Options(cluster, [victim, cluster.Nodes[2]]), watcherHttp);
        var expected = new ConcurrentQueue<(long Seq, string Key)>();
        var first = await writer.PutStringAsync("client/watch/start", "0");
        expected.Enqueue((first.Seq, "client/watch/start"));
        var seen = new ConcurrentQueue<KvChange>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var watch = Task.Run(async () =>
        {
            await foreach (var change in watcher.WatchAsync("client/watch/", first.Seq, stop.Token)) seen.Enqueue(change);
        });
        var writes = Task.Run(async () =>
        {
            for (int i = 1; i <= 80; i++)
            {
                if (i % 20 == 0)
                {
                    // A transaction: two changes at one seq, which must come whole, once.
                    var txn = await writer.TransactAsync(new KvTxn().Then(KvTxnOp.PutString("client/watch/pair/a", $"{i}"),
                        KvTxnOp.PutString("client/watch/pair/b", $"{i}")));
                    expected.Enqueue((txn.Seq, "client/watch/pair/a"));
                    expected.Enqueue((txn.Seq, "client/watch/pair/b"));
                }
                else
                {
                    string key = $"client/watch/k{i % 5}";
                    expected.Enqueue(((await writer.PutStringAsync(key, $"{i}")).Seq, key));
                }
                await Task.Delay(25);
            }
        });
        try
        {
            await Eventually.TrueAsync(() => seen.Count >= 20, TimeSpan.FromSeconds(15), () => $"{seen.Count} changes seen before the kill");
            victim.Kill();
            await writes;
            await Eventually.TrueAsync(() => seen.Count >= expected.Count, TimeSpan.FromSeconds(20),
                () => $"{seen.Count} of {expected.Count} changes seen after the kill");
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
            if (!victim.IsRunning) await victim.StartAsync();
        }

        Assert.Equal(expected.OrderBy(e => e.Seq).ThenBy(e => e.Key, StringComparer.Ordinal),
            seen.Select(c => (c.Seq, c.Key)).OrderBy(e => e.Seq).ThenBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(seen.Select(c => c.Seq).Order(), seen.Select(c => c.Seq));
        // The kill reached the watch: its stream was on the victim, and went on from another node.
        var streams = watcherRequests.Sent.Where(uri => uri.AbsolutePath == "/v1/watch").Select(uri => uri.Port).ToArray();
        Assert.Equal(victim.Url.Port, streams[0]);
        Assert.Contains(cluster.Nodes[2].Url.Port, streams);
        output.WriteLine($"{seen.Count} changes seen once each, in order, across the kill of {victim.Name}; watch requests to ports " +
            string.Join(", ", streams) + ".");
    }

    [Fact]
    public async Task A_lease_kept_alive_by_the_client_outlives_its_ttl_and_its_key_goes_when_it_is_disposed()
    {
        var cluster = shared.For(output);
        using var client = Client(cluster, [.. cluster.Nodes]);
        // Two seconds: a keep-alive every 667 ms leaves a loaded machine over a second of slack.
        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(2));
        try
        {
            Assert.True((await client.PutStringAsync("client/lease/holder", "me", new KvWriteOptions { IfAbsent = true, LeaseId = lease.Id })).Succeeded);
            // Two TTLs: unkept, the lease would have ended (within its TTL and about a second) and taken the key.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.False(lease.IsLost);
            Assert.Equal("me", await client.GetStringAsync("client/lease/holder", new KvReadOptions { Consistency = KvConsistency.Linearizable }));
        }
        finally
        {
            await lease.DisposeAsync();
        }
        // The revoke deleted the key before it answered, and the client's session is past it.
        Assert.Null(await client.GetStringAsync("client/lease/holder"));
        var gone = await Assert.ThrowsAsync<KvException>(() => client.PutStringAsync("client/lease/late", "x", new KvWriteOptions { LeaseId = lease.Id }));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_two_key_transaction_through_AddKvClusterClient_moves_a_balance_only_if_neither_key_changed()
    {
        var cluster = shared.For(output);
        var builder = Host.CreateEmptyApplicationBuilder(new());
        // What WithReference(kv) hands a service.
        builder.Configuration["ConnectionStrings:kv"] = await cluster.ConnectionStringAsync();
        builder.AddKvClusterClient("kv");
        using var host = builder.Build();
        var kv = host.Services.GetRequiredService<IKvClient>();

        var alice = await kv.PutStringAsync("client/txn/alice", "100");
        var bob = await kv.PutStringAsync("client/txn/bob", "5");
        var move = new KvTxn()
            .If(KvCompare.VersionIs("client/txn/alice", alice.Version), KvCompare.VersionIs("client/txn/bob", bob.Version))
            .Then(KvTxnOp.PutString("client/txn/alice", "90"), KvTxnOp.PutString("client/txn/bob", "15"))
            .Else(KvTxnOp.Get("client/txn/alice"), KvTxnOp.Get("client/txn/bob"));

        var moved = await kv.TransactAsync(move);
        Assert.True(moved.Succeeded);
        Assert.All(moved.Results, r => Assert.Equal(moved.Seq, r.Version));
        Assert.Equal("90", await kv.GetStringAsync("client/txn/alice"));
        var bobNow = await kv.GetAsync("client/txn/bob");
        Assert.Equal(("15", moved.Seq), (System.Text.Encoding.UTF8.GetString(bobNow!.Value.Span), bobNow.Version));

        // The same compares again: both keys moved on, so the failure branch reads them.
        var stale = await kv.TransactAsync(move);
        Assert.False(stale.Succeeded);
        Assert.Equal(["90", "15"], stale.Results.Select(r => System.Text.Encoding.UTF8.GetString(r.Value!.Value.Span)));
        Assert.All(stale.Results, r => Assert.True(r.Found));
    }

    private static KvClient Client(TestCluster cluster, params ClusterService[] nodes) => Client(cluster, nodes, _ => { });

    private static KvClient Client(TestCluster cluster, ClusterService[] nodes, Action<KvClientOptions> configure)
    {
        var options = Options(cluster, nodes);
        configure(options);
        return new KvClient(options);
    }

    private static KvClientOptions Options(TestCluster cluster, ClusterService[] nodes) => new()
    {
        Endpoints = [.. nodes.Select(node => node.Url)],
        Token = cluster.ClientToken,
        RequestTimeout = TimeSpan.FromSeconds(5),
        RetryBudget = TimeSpan.FromSeconds(20),
    };

    /// <summary>The client's own kind of handler, recording each request and counting the attempts that got no whole answer.</summary>
    private sealed class FailedAttempts() : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ConcurrentQueue<Uri> Sent { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Enqueue(request.RequestUri!);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _count);
                throw;
            }
        }
    }
}
