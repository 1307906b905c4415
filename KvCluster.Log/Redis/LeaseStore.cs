using System.Globalization;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Lease liveness (docs/architecture.md §8.2): a sorted set of lease id → deadline and a hash of id → granted TTL and
/// grant time, both under the log's key prefix (one hash slot). Every script reads the clock with Redis's TIME, so
/// whichever node or coordinator asks, deadlines are measured against one clock, the same one that stamps log entries.
/// Keep-alives change only these keys: they cost no log entry. What the lease holds (its keys) is replicated state,
/// changed only by the LeaseGrant and LeaseRevoke entries of the log.
/// </summary>
public sealed class LeaseStore
{
    // Redis time in Unix milliseconds; in every script below. Lua prints integers up to 14 digits exactly.
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    // KEYS: leases, ttls. ARGV: id, ttl ms. → {1, granted at, deadline}, or {0, now, 0} when the id is taken.
    private const string GrantScript = Now + """
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return {0, now, 0} end
        local ttl = tonumber(ARGV[2])
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. now)
        return {1, now, now + ttl}
        """;

    // KEYS: leases, ttls. ARGV: id. → the TTL in ms, extended from now; -1 when the deadline has passed (the expirer
    // revokes it; a keep-alive cannot bring it back); -2 when unknown.
    private const string KeepAliveScript = Now + """
        local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
        local info = redis.call('HGET', KEYS[2], ARGV[1])
        if not deadline or not info then return -2 end
        if tonumber(deadline) < now then return -1 end
        local ttl = tonumber(string.match(info, '^(%d+):'))
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
        return ttl
        """;

    // KEYS: leases, ttls. ARGV: id. → {remaining ms, ttl ms, granted at}; {-1} once the deadline passed; {-2} unknown.
    private const string TimeToLiveScript = Now + """
        local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
        local info = redis.call('HGET', KEYS[2], ARGV[1])
        if not deadline or not info then return {-2} end
        if tonumber(deadline) < now then return {-1} end
        local ttl, at = string.match(info, '^(%d+):(%d+)$')
        return {tonumber(deadline) - now, tonumber(ttl), tonumber(at)}
        """;

    // KEYS: leases, ttls. ARGV: most to return. → id, granted at, id, granted at... of leases whose deadline passed.
    private const string ListExpiredScript = Now + """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[1]))
        local out = {}
        for _, id in ipairs(ids) do
          local info = redis.call('HGET', KEYS[2], id)
          out[#out + 1] = id
          out[#out + 1] = info and string.match(info, ':(%d+)$') or '0'
        end
        return out
        """;

    // KEYS: leases, ttls. ARGV: id, granted at ('' = whichever). → 1 when forgotten. Only the grant that was revoked
    // is forgotten: a lease granted again under the same id after that revoke is left alone.
    private const string ForgetScript = """
        local info = redis.call('HGET', KEYS[2], ARGV[1])
        if not info then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        if ARGV[2] ~= '' and string.match(info, ':(%d+)$') ~= ARGV[2] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """;

    private readonly IDatabase _redis;
    private readonly RedisKey[] _keys;

    public LeaseStore(IConnectionMultiplexer redis, LogKeys keys)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        _redis = redis.GetDatabase();
        _keys = [keys.Leases, keys.LeaseTtls];
    }

    /// <summary>Starts a lease that lives <paramref name="ttl"/> from now (Redis time) unless kept alive; refused when the id is taken.</summary>
    public async Task<LeaseGrant> GrantAsync(string id, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromMilliseconds(1));
        var reply = (RedisResult[])(await EvaluateAsync(GrantScript, [id, ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)],
            cancellationToken).ConfigureAwait(false))!;
        return new LeaseGrant((long)reply[0] == 1, (long)reply[1], (long)reply[2]);
    }

    /// <summary>Extends the lease to its TTL from now; null once its deadline has passed or when it is unknown.</summary>
    public async Task<TimeSpan?> KeepAliveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        long ttlMs = (long)await EvaluateAsync(KeepAliveScript, [id], cancellationToken).ConfigureAwait(false);
        return ttlMs < 0 ? null : TimeSpan.FromMilliseconds(ttlMs);
    }

    /// <summary>The time left and the granted TTL; null once the deadline has passed or when the lease is unknown.</summary>
    public async Task<LeaseTimeToLive?> TimeToLiveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var reply = (RedisResult[])(await EvaluateAsync(TimeToLiveScript, [id], cancellationToken).ConfigureAwait(false))!;
        if ((long)reply[0] < 0) return null;
        return new LeaseTimeToLive(TimeSpan.FromMilliseconds((long)reply[0]), TimeSpan.FromMilliseconds((long)reply[1]), (long)reply[2]);
    }

    /// <summary>Up to <paramref name="max"/> leases whose deadline has passed (Redis time), each with the time it was granted.</summary>
    public async Task<IReadOnlyList<ExpiredLease>> ListExpiredAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var reply = (RedisResult[])(await EvaluateAsync(ListExpiredScript, [max], cancellationToken).ConfigureAwait(false))!;
        var expired = new ExpiredLease[reply.Length / 2];
        for (int i = 0; i < expired.Length; i++)
        {
            expired[i] = new ExpiredLease((string)reply[2 * i]!, long.Parse((string)reply[2 * i + 1]!, CultureInfo.InvariantCulture));
        }
        return expired;
    }

    /// <summary>
    /// Drops the lease from Redis once its revoke is in the log. With <paramref name="grantedAtUnixMs"/>, only that grant
    /// of the id is dropped. True when something was removed.
    /// </summary>
    public async Task<bool> ForgetAsync(string id, long? grantedAtUnixMs = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        string grantedAt = grantedAtUnixMs?.ToString(CultureInfo.InvariantCulture) ?? "";
        return (long)await EvaluateAsync(ForgetScript, [id, grantedAt], cancellationToken).ConfigureAwait(false) == 1;
    }

    private Task<RedisResult> EvaluateAsync(string script, RedisValue[] arguments, CancellationToken cancellationToken) =>
        RedisFailures.Guard(_redis.ScriptEvaluateAsync(script, _keys, arguments), cancellationToken);
}

/// <summary>What the grant script did: <paramref name="Granted"/> false when the id was taken.</summary>
public readonly record struct LeaseGrant(bool Granted, long GrantedAtUnixMs, long DeadlineUnixMs);

/// <summary>A live lease's time left and the TTL each keep-alive restores.</summary>
public readonly record struct LeaseTimeToLive(TimeSpan Remaining, TimeSpan Ttl, long GrantedAtUnixMs);

/// <summary>A lease whose deadline passed: the id and the Redis time of its grant (which grant of the id it was).</summary>
public readonly record struct ExpiredLease(string Id, long GrantedAtUnixMs);
