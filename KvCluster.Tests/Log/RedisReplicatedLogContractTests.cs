using KvCluster.Log;
using KvCluster.Log.Redis;

namespace KvCluster.Tests.Log;

/// <summary>
/// The log contract (ReplicatedLogContract.cs) for the Redis log over a real redis-server: one server for the class,
/// each test under a key prefix of its own (a hash tag, as on Redis Cluster).
/// </summary>
public sealed class RedisReplicatedLogContractTests(RedisServerFixture redis) : ReplicatedLogContract, IClassFixture<RedisServerFixture>
{
    protected override IReplicatedLog NewLog() =>
        new RedisReplicatedLog(redis.Connection, new LogKeys("{t" + Guid.NewGuid().ToString("N")[..12] + "}:"));

    // Another process: its own connection, and its own announcements of the head.
    protected override IReplicatedLog SameLogElsewhere(IReplicatedLog log) =>
        new RedisReplicatedLog(redis.OtherConnection, ((RedisReplicatedLog)log).Keys);
}
