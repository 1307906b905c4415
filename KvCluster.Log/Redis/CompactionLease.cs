using System.Globalization;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Who may compact: a Redis key holding the owner's id with a TTL. Taken with SET NX PX; renewed and released
/// only by the owner (compare-and-set in Lua), so with several coordinators at most one holds it at a time.
/// A holder paused past the TTL can lose it without knowing; that is safe because publishing refuses an older
/// checkpoint and trimming never passes the published one (<see cref="RedisCheckpointStore"/>).
/// </summary>
public sealed class CompactionLease
{
    private const string RenewIfOwner = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private const string ReleaseIfOwner = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly IDatabase _redis;
    private readonly RedisKey _key;

    public CompactionLease(IConnectionMultiplexer redis, LogKeys keys)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis.GetDatabase();
        _key = new CheckpointKeys(keys).CompactionLease;
    }

    /// <summary>Takes the lease for <paramref name="ttl"/> when it is free; true also when <paramref name="owner"/> already holds it (then renewed).</summary>
    public async Task<bool> TryAcquireAsync(string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        bool taken = await RedisFailures.Guard(_redis.StringSetAsync(_key, owner, TimeSpan.FromMilliseconds(ToMilliseconds(ttl)), When.NotExists),
            cancellationToken).ConfigureAwait(false);
        return taken || await RenewAsync(owner, ttl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Extends the lease to <paramref name="ttl"/> from now; false when <paramref name="owner"/> no longer holds it.</summary>
    public async Task<bool> RenewAsync(string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var reply = await RedisFailures.Guard(
            _redis.ScriptEvaluateAsync(RenewIfOwner, [_key], [owner, ToMilliseconds(ttl).ToString(CultureInfo.InvariantCulture)]),
            cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <summary>Gives the lease up; false (and nothing changes) when <paramref name="owner"/> does not hold it.</summary>
    public async Task<bool> ReleaseAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var reply = await RedisFailures.Guard(_redis.ScriptEvaluateAsync(ReleaseIfOwner, [_key], [owner]), cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <summary>The current holder, or null when the lease is free.</summary>
    public async Task<string?> ReadOwnerAsync(CancellationToken cancellationToken = default)
    {
        var owner = await RedisFailures.Guard(_redis.StringGetAsync(_key), cancellationToken).ConfigureAwait(false);
        return owner.IsNull ? null : owner.ToString();
    }

    private static long ToMilliseconds(TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromMilliseconds(1));
        return (long)Math.Ceiling(ttl.TotalMilliseconds);
    }
}
