using System.Collections.Concurrent;
using System.Diagnostics;
using KvCluster.Client;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Client;

/// <summary>
/// <see cref="KvClient"/> against a real 3-node cluster, as a user would see it: reads its writes on another node,
/// conditions as results, listings over pages, and a node killed in the middle of a stream of writes losing none and
/// doubling none. Keys under <c>client/</c>.
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
        Token = cluster.AdminToken,
        RequestTimeout = TimeSpan.FromSeconds(5),
        RetryBudget = TimeSpan.FromSeconds(20),
    };

    /// <summary>The client's own kind of handler, counting the attempts that got no whole answer.</summary>
    private sealed class FailedAttempts() : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
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
