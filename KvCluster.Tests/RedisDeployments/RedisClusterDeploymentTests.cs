using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// KvCluster on a Redis Cluster, given only its seed nodes: every key of one KvCluster lives in one hash slot (the
/// default prefix is the hash tag <c>{kv}:</c>), so the sequencer's script and the log work as on one Redis.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisClusterDeploymentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_cluster_on_three_Redis_Cluster_masters_works_from_the_seeds_and_keeps_every_key_in_the_kv_hash_slot()
    {
        await using var redis = await RedisClusterServers.StartAsync();
        await using var cluster = await TestCluster.StartAsync(output, nodes: 2,
            options => options with { SpareNodes = 0, RedisConnection = redis.SeedConnectionString });

        await KeyValueRoundTrip.AssertAsync(writer: cluster.NodeClients[0], reader: cluster.NodeClients[1]);

        var keysByMaster = await redis.KeysByMasterAsync();
        var holders = keysByMaster.Where(master => master.Value.Length > 0).ToArray();
        var holder = Assert.Single(holders);
        Assert.All(holder.Value, key => Assert.StartsWith("{kv}:", key, StringComparison.Ordinal));
        Assert.Contains("{kv}:log", holder.Value);
        Assert.Contains("{kv}:seq", holder.Value);
        Assert.Contains("{kv}:members", holder.Value);
        int slot = await redis.KeySlotAsync("kv");
        foreach (string key in holder.Value) Assert.Equal(slot, await redis.KeySlotAsync(key));
    }
}
