using System.Globalization;
using KvCluster.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>Concurrent writes share sequencer script calls instead of paying one Redis round trip each.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupCommitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_writes_are_sequenced_in_fewer_script_calls_than_writes()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString + ",allowAdmin=true");
        long before = await ScriptCallsAsync(redis);

        const int writes = 600;
        await Task.WhenAll(Enumerable.Range(0, writes).Select(i => Task.Run(async () =>
        {
            using var put = await PutAsync(cluster.NodeClients[i % 3], $"k{i}", "v");
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");
        })));

        long calls = await ScriptCallsAsync(redis) - before;
        output.WriteLine($"{writes} writes took {calls} script calls");
        Assert.True(calls < writes * 0.8, $"{writes} concurrent writes took {calls} script calls: no batching");
        Assert.Equal(writes, await HeadAsync(cluster.NodeClients[0]));
    }

    // INFO commandstats counts EVALSHA (and EVAL after a script cache miss) calls.
    private static async Task<long> ScriptCallsAsync(ConnectionMultiplexer redis)
    {
        string info = (await redis.GetDatabase().ExecuteAsync("INFO", "commandstats")).ToString();
        long total = 0;
        foreach (var line in info.Split('\n'))
        {
            if (!line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) && !line.StartsWith("cmdstat_eval:", StringComparison.Ordinal)) continue;
            int start = line.IndexOf("calls=", StringComparison.Ordinal) + 6;
            int end = line.IndexOf(',', start);
            total += long.Parse(line[start..end], CultureInfo.InvariantCulture);
        }
        return total;
    }
}
