using System.Net;
using KvCluster.Log.Redis;
using KvCluster.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>Nothing acknowledged is lost: not to node crashes, lost disks, compaction or a Redis restart.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    // Snapshots and compaction often enough that a short test exercises them.
    private static readonly Dictionary<string, string> Frequent = new()
    {
        ["Kv__SnapshotEveryEntries"] = "2000",
        ["Kv__SnapshotInterval"] = "00:00:02",
        ["Kv__CompactionInterval"] = "00:00:01",
        ["Kv__RetainEntries"] = "1000",
    };

    [Fact]
    public async Task After_10000_writes_every_node_killed_and_restarted_holds_exactly_the_acknowledged_writes()
    {
        await using var cluster = await TestCluster.StartAsync(output, 3, Frequent);
        var acked = new AcknowledgedWrites();
        await acked.WriteAsync(cluster.NodeClients, count: 10_000, keys: 2000);
        await AllAppliedAsync(cluster);
        await Eventually.TrueAsync(() => cluster.Nodes.All(n => n.RecentOutput.Any(line => line.Contains("Snapshot at seq"))),
            CatchUpTimeout, () => "not every node took a snapshot");

        foreach (var node in cluster.Nodes) node.Kill();
        foreach (var node in cluster.Nodes) await node.StartAsync();

        await AllAppliedAsync(cluster);
        foreach (var node in cluster.Nodes) await LoggedAsync(node, "Loaded snapshot");
        await acked.AssertHeldByAsync(cluster.NodeClients[0]);
        await AssertIdenticalAsync(cluster);
    }

    [Fact]
    public async Task Nodes_that_lost_their_disks_rebuild_from_the_checkpoint_and_the_tail_in_Redis()
    {
        await using var cluster = await TestCluster.StartAsync(output, 2, Frequent);
        var acked = new AcknowledgedWrites();
        await acked.WriteAsync(cluster.NodeClients, count: 4000, keys: 1500);
        await Eventually.TrueAsync(async () => (await ClusterViewAsync(cluster)).TrimmedBelow > 1, CatchUpTimeout,
            () => "the log was never compacted");
        // More writes after the checkpoint, so the rebuild needs checkpoint and tail.
        await acked.WriteAsync(cluster.NodeClients, count: 300, keys: 1500, prefix: "k");
        string digestBefore = (await AllAppliedAsync(cluster))[0].Digest;

        foreach (var node in cluster.Nodes)
        {
            node.Kill();
            Directory.Delete(node.DataDirectory, recursive: true);
        }
        foreach (var node in cluster.Nodes) await node.StartAsync();

        var views = await AllAppliedAsync(cluster);
        Assert.All(views, view => Assert.Equal(digestBefore, view.Digest));
        foreach (var node in cluster.Nodes) await LoggedAsync(node, "loaded the checkpoint");
        await acked.AssertHeldByAsync(cluster.NodeClients[1]);
    }

    [Fact]
    public async Task Under_continuous_writes_the_log_stays_bounded_and_a_new_empty_node_catches_up_from_the_checkpoint()
    {
        await using var cluster = await TestCluster.StartAsync(output, 2, Frequent);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
        var log = new LogKeys().Log;
        var acked = new AcknowledgedWrites();
        long longest = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                longest = Math.Max(longest, await redis.GetDatabase().StreamLengthAsync(log));
                await Task.Delay(100);
            }
        });
        await acked.WriteAsync(cluster.NodeClients, count: 12_000, keys: 3000);
        await Eventually.TrueAsync(async () => await redis.GetDatabase().StreamLengthAsync(log) <= 1000,
            CatchUpTimeout, () => "the log was not trimmed to the retention setting");
        await stop.CancelAsync();
        await sampler;
        output.WriteLine($"longest log seen: {longest} entries for 12000 writes");
        // Bounded by retention plus what arrives between two compactions, not by the number of writes.
        Assert.True(longest < 8000, $"the log reached {longest} entries");

        var joined = await cluster.AddNodeAsync();
        var views = await AllAppliedAsync(cluster);
        Assert.Single(views.Select(v => v.Digest).Distinct());
        await LoggedAsync(joined, "loaded the checkpoint");
        await acked.AssertHeldByAsync(cluster.NodeClients[^1]);
    }

    [Fact]
    public async Task A_Redis_crash_with_appendfsync_always_loses_no_acknowledged_write_and_writes_resume()
    {
        await using var cluster = await TestCluster.StartAsync(output, 2, options => options with { Fsync = "always" });
        var acked = new AcknowledgedWrites();
        var writing = acked.WriteAsync(cluster.NodeClients, count: 3000, keys: 500, concurrency: 8, tolerateUnavailable: true);
        await Eventually.TrueAsync(() => acked.Count > 200, CatchUpTimeout, () => "writes did not start");

        await cluster.Redis!.RestartAsync(); // kill -9, then start on the same AOF
        await writing;

        await Eventually.TrueAsync(async () =>
        {
            using var put = await PutAsync(cluster.NodeClients[0], "after-the-crash", "ok");
            return put.IsSuccessStatusCode;
        }, CatchUpTimeout, () => "writes did not resume");
        await AllAppliedAsync(cluster);
        Assert.Equal("ok", await GetValueAsync(cluster.NodeClients[1], "after-the-crash"));
        foreach (var node in cluster.NodeClients) await acked.AssertHeldByAsync(node, prefix: "k");
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_detected_and_ignored_and_the_state_is_still_right()
    {
        await using var cluster = await TestCluster.StartAsync(output, 2, Frequent);
        var acked = new AcknowledgedWrites();
        await acked.WriteAsync(cluster.NodeClients, count: 2500, keys: 400);
        var victim = cluster.Nodes[1];
        string snapshot = Path.Combine(victim.DataDirectory, "snapshots", "snapshot.kvsnap");
        await Eventually.TrueAsync(() => File.Exists(snapshot), CatchUpTimeout, () => "node-2 took no snapshot");

        victim.Kill();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(snapshot)!, "*.kvsnap"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            bytes[bytes.Length / 2] ^= 0xFF; // one flipped byte in the middle of the data
            await File.WriteAllBytesAsync(file, bytes);
        }
        await victim.StartAsync();

        var views = await AllAppliedAsync(cluster);
        Assert.Single(views.Select(v => v.Digest).Distinct());
        await LoggedAsync(victim, "Ignoring snapshot");
        await acked.AssertHeldByAsync(cluster.NodeClients[1]);
    }

    private static async Task<NodeView[]> AllAppliedAsync(TestCluster cluster)
    {
        long head = await HeadAsync(cluster.NodeClients[0]);
        NodeView[] views = [];
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            }
            catch (HttpRequestException)
            {
                return false; // a node still starting
            }
            return views.All(v => v.Applied == head);
        }, CatchUpTimeout, () => string.Join(", ", views.Select(v => $"{v.Id}={v.Applied}")) + $", head {head}");
        return views;
    }

    private static async Task AssertIdenticalAsync(TestCluster cluster)
    {
        var views = await AllAppliedAsync(cluster);
        Assert.Single(views.Select(v => v.Digest).Distinct());
    }

    private static async Task<(long Head, long TrimmedBelow)> ClusterViewAsync(TestCluster cluster)
    {
        var json = await JsonAsync(await cluster.NodeClients[0].GetAsync("/v1/cluster"));
        return (json.GetProperty("head").GetInt64(), json.GetProperty("trimmedBelow").GetInt64());
    }

    // A service's lines reach the test through DCP's log stream, a moment after the state they describe is visible.
    private static Task LoggedAsync(ClusterService node, string text) =>
        Eventually.TrueAsync(() => node.RecentOutput.Any(line => line.Contains(text, StringComparison.Ordinal)), TimeSpan.FromSeconds(10),
            () => $"{node.Name} never logged \"{text}\"");
}
