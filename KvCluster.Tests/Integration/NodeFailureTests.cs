using System.Diagnostics;
using System.Net;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>Processes die; the database does not.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_node_leaves_the_others_serving_and_the_node_restarted_empty_catches_up()
    {
        await using var cluster = await TestCluster.StartAsync(output);
        for (int i = 0; i < 100; i++)
        {
            using var put = await PutAsync(cluster.NodeClients[i % 3], $"before/{i}", $"value {i}");
            Assert.True(put.IsSuccessStatusCode);
        }

        var victim = cluster.Nodes[2];
        victim.Kill();
        Assert.False(victim.IsRunning);

        for (int i = 0; i < 100; i++)
        {
            using var put = await PutAsync(cluster.NodeClients[i % 2], $"during/{i}", $"value {i}");
            Assert.True(put.IsSuccessStatusCode, $"PUT on a surviving node answered {put.StatusCode}");
        }
        Assert.Equal("value 42", await GetValueAsync(cluster.NodeClients[1], "before/42"));

        // The node comes back with nothing on disk: everything it holds must come from the log.
        if (Directory.Exists(victim.DataDirectory)) Directory.Delete(victim.DataDirectory, recursive: true);
        await victim.StartAsync();

        long head = await HeadAsync(cluster.NodeClients[0]);
        NodeView[] views = [];
        await Eventually.TrueAsync(async () =>
        {
            views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            return views.All(v => v.Applied == head);
        }, TimeSpan.FromSeconds(15), () => string.Join(", ", views.Select(v => $"{v.Id}={v.Applied}")) + $", head {head}");
        Assert.Single(views.Select(v => v.Digest).Distinct());
        Assert.Equal("value 7", await GetValueAsync(cluster.NodeClients[2], "during/7", "local"));
    }

    [Fact]
    public async Task With_Redis_down_writes_fail_fast_local_reads_still_answer_and_writes_resume_after()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2);
        var client = cluster.NodeClients[0];
        using (var put = await PutAsync(client, "kept", "before the outage")) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await Eventually.TrueAsync(async () => await GetValueAsync(cluster.NodeClients[1], "kept", "local") is not null,
            TimeSpan.FromSeconds(5), () => "node-2 never applied the write");

        cluster.Redis!.Kill();

        var clock = Stopwatch.StartNew();
        using (var refused = await PutAsync(client, "lost", "during the outage"))
        {
            AssertProblem(refused, HttpStatusCode.ServiceUnavailable);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the write took {clock.Elapsed} to fail");

        foreach (var node in cluster.NodeClients)
        {
            Assert.Equal("before the outage", await GetValueAsync(node, "kept", "local"));
        }
        using (var linearizable = await GetAsync(client, "kept"))
        {
            AssertProblem(linearizable, HttpStatusCode.ServiceUnavailable);
        }

        await cluster.Redis.RestartAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var put = await PutAsync(client, "after", "the outage");
            return put.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(20), () => "writes did not resume after Redis came back");
        // Each node reconnects on its own backoff; until node-2 has, its linearizable reads answer 503 at once.
        await Eventually.TrueAsync(async () =>
        {
            using var get = await GetAsync(cluster.NodeClients[1], "after");
            return get.StatusCode == HttpStatusCode.OK && await get.Content.ReadAsStringAsync() == "the outage";
        }, TimeSpan.FromSeconds(20), () => "node-2 did not serve linearizable reads again");
        Assert.Equal("before the outage", await GetValueAsync(cluster.NodeClients[1], "kept"));
    }

    [Fact]
    public async Task A_crashed_coordinator_is_restarted_and_retried_writes_apply_once()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2);
        var client = cluster.NodeClients[0];
        int restartsBefore = cluster.Coordinator.RestartCount;

        // kill -9 from outside, as a crash would: the supervisor restarts it.
        Signals.Kill(cluster.Coordinator.ProcessId!.Value);

        // A careful client retries each write with its Idempotency-Key until it is acknowledged.
        for (int i = 0; i < 20; i++)
        {
            string key = $"across-the-crash/{i}";
            await Eventually.TrueAsync(async () =>
            {
                using var put = await PutAsync(client, key, $"value {i}", request => request.Headers.Add("Idempotency-Key", $"write-{i}"));
                return put.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30), () => $"write {i} was never acknowledged");
        }

        Assert.True(cluster.Coordinator.RestartCount > restartsBefore, "the coordinator was not restarted");
        // Each of the 20 writes is in the log exactly once, whatever number of attempts it took.
        Assert.Equal(20, await HeadAsync(client));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"value {i}", await GetValueAsync(cluster.NodeClients[1], $"across-the-crash/{i}"));
        }
    }
}
