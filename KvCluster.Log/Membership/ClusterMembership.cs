using System.Text.Json;
using KvCluster.Log.Client;
using KvCluster.Log.Entries;

namespace KvCluster.Log.Membership;

/// <summary>
/// Membership kept in Redis: nodes write heartbeats into one hash; anyone reads the cluster view from it.
/// A member whose heartbeat is older than <see cref="DownAfter"/> is reported down, and dropped once older than
/// <see cref="ForgetAfter"/>.
/// </summary>
public sealed class ClusterMembership
{
    private readonly IRedisClient _redis;
    private readonly LogKeys _keys;
    private readonly TimeProvider _clock;

    public ClusterMembership(IRedisClient redis, LogKeys keys, TimeProvider? clock = null)
    {
        _redis = redis;
        _keys = keys;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(10);

    public async Task HeartbeatAsync(MemberRecord record, CancellationToken cancellationToken = default)
    {
        var stamped = record with { HeartbeatUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds() };
        var json = JsonSerializer.SerializeToUtf8Bytes(stamped, MembershipJsonContext.Default.MemberRecord);
        await _redis.ExecuteAsync(new RedisCommand("HSET", 3).Add(_keys.Members).Add(record.Id).Add(json), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The log head: the last sequence number handed out (0 for an empty log).</summary>
    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var reply = await _redis.ExecuteAsync(new RedisCommand("GET", 1).Add(_keys.Sequence), cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? 0 : reply.AsInt64();
    }

    public async Task<ClusterView> ReadViewAsync(CancellationToken cancellationToken = default)
    {
        var headTask = ReadHeadAsync(cancellationToken);
        var firstTask = _redis.ExecuteAsync(new RedisCommand("XRANGE", 5).Add(_keys.Log).Add("-").Add("+").Add("COUNT").Add(1), cancellationToken);
        var membersTask = _redis.ExecuteAsync(new RedisCommand("HGETALL", 1).Add(_keys.Members), cancellationToken);
        long head = await headTask.ConfigureAwait(false);
        var first = await firstTask.ConfigureAwait(false);
        var members = await membersTask.ConfigureAwait(false);

        var firstEntries = first.Items;
        long trimmedBelow = firstEntries.Count == 0 ? head + 1 : LogEntryCodec.ParseSeq(firstEntries[0].Items[0].Bytes.Span);

        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var list = new List<ClusterMember>();
        var stale = new List<string>();
        var fields = members.Items;
        for (int i = 0; i + 1 < fields.Count; i += 2)
        {
            MemberRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(fields[i + 1].Bytes.Span, MembershipJsonContext.Default.MemberRecord);
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
        var command = new RedisCommand("HDEL", ids.Count + 1).Add(_keys.Members);
        foreach (var id in ids) command.Add(id);
        await _redis.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
