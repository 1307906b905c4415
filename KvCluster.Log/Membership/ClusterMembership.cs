using System.Text.Json;
using KvCluster.Log.Redis;
using StackExchange.Redis;

namespace KvCluster.Log.Membership;

/// <summary>
/// Membership kept in Redis: nodes write heartbeats into one hash; anyone reads the cluster view from it.
/// A member whose heartbeat is older than <see cref="DownAfter"/> is reported down, and dropped once older than
/// <see cref="ForgetAfter"/>. The view's head and trim point come from the log itself.
/// </summary>
public sealed class ClusterMembership
{
    private readonly IDatabase _redis;
    private readonly LogKeys _keys;
    private readonly IReplicatedLog _log;
    private readonly TimeProvider _clock;

    public ClusterMembership(IConnectionMultiplexer redis, LogKeys keys, IReplicatedLog log, TimeProvider? clock = null)
    {
        _redis = redis.GetDatabase();
        _keys = keys;
        _log = log;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(10);

    public async Task HeartbeatAsync(MemberRecord record, CancellationToken cancellationToken = default)
    {
        var stamped = record with { HeartbeatUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds() };
        var json = JsonSerializer.SerializeToUtf8Bytes(stamped, MembershipJsonContext.Default.MemberRecord);
        await RedisFailures.Guard(_redis.HashSetAsync(_keys.Members, record.Id, json), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ClusterView> ReadViewAsync(CancellationToken cancellationToken = default)
    {
        var extentTask = _log.ReadExtentAsync(cancellationToken);
        var membersTask = _redis.HashGetAllAsync(_keys.Members);
        var extent = await extentTask.ConfigureAwait(false);
        var members = await RedisFailures.Guard(membersTask, cancellationToken).ConfigureAwait(false);
        long head = extent.Head;
        long trimmedBelow = extent.FirstSeq;

        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var list = new List<ClusterMember>();
        var stale = new List<string>();
        foreach (var field in members)
        {
            MemberRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)field.Value).Span, MembershipJsonContext.Default.MemberRecord);
            }
            catch (JsonException)
            {
                record = null;
            }
            if (record is null) continue;
            long age = now - record.HeartbeatUnixMs;
            if (age > ForgetAfter.TotalMilliseconds)
            {
                stale.Add(record.Id);
                continue;
            }
            list.Add(new ClusterMember
            {
                Id = record.Id,
                Url = record.Url,
                Applied = record.Applied,
                Lag = Math.Max(0, head - record.Applied),
                Health = age > DownAfter.TotalMilliseconds ? "down" : record.Ready ? "healthy" : "catching-up",
                LastHeartbeatUnixMs = record.HeartbeatUnixMs,
            });
        }
        if (stale.Count > 0) await ForgetAsync(stale, cancellationToken).ConfigureAwait(false);

        list.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new ClusterView { Head = head, TrimmedBelow = trimmedBelow, Members = list };
    }

    private async Task ForgetAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var fields = new RedisValue[ids.Count];
        for (int i = 0; i < fields.Length; i++) fields[i] = ids[i];
        await RedisFailures.Guard(_redis.HashDeleteAsync(_keys.Members, fields), cancellationToken).ConfigureAwait(false);
    }
}
