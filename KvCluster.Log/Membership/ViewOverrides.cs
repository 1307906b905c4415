using KvCluster.Log.Redis;
using StackExchange.Redis;

namespace KvCluster.Log.Membership;

/// <summary>
/// What clients changed in the kevinDB-style replica view, kept in Redis so every node answers the same:
/// addresses added by hand (that no member heartbeats from) and member addresses hidden by hand.
/// The view itself is computed from these and the live members; see the Node's ReplicaViewRule.
/// </summary>
public sealed class ViewOverrides
{
    private readonly IDatabase _redis;

    public ViewOverrides(IConnectionMultiplexer redis, LogKeys keys)
    {
        _redis = redis.GetDatabase();
        AddedKey = keys.Prefix + "view:added";
        HiddenKey = keys.Prefix + "view:hidden";
    }

    /// <summary>Set of "host:port" addresses a client added that are not members' addresses.</summary>
    public string AddedKey { get; }

    /// <summary>Set of member addresses a client removed; each stays hidden until added again or its replica restarts.</summary>
    public string HiddenKey { get; }

    public async Task<ViewOverrideSets> ReadAsync(CancellationToken cancellationToken = default)
    {
        var addedTask = _redis.SetMembersAsync(AddedKey);
        var hiddenTask = _redis.SetMembersAsync(HiddenKey);
        return new ViewOverrideSets(ToSet(await RedisFailures.Guard(addedTask, cancellationToken).ConfigureAwait(false)),
            ToSet(await RedisFailures.Guard(hiddenTask, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>Marks <paramref name="address"/> added; false when it already was.</summary>
    public Task<bool> AddAsync(string address, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_redis.SetAddAsync(AddedKey, address), cancellationToken);

    /// <summary>Forgets a hand-added <paramref name="address"/>; false when it was not added.</summary>
    public Task<bool> UnaddAsync(string address, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_redis.SetRemoveAsync(AddedKey, address), cancellationToken);

    /// <summary>Hides a member's <paramref name="address"/>; false when it already was hidden.</summary>
    public Task<bool> HideAsync(string address, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_redis.SetAddAsync(HiddenKey, address), cancellationToken);

    /// <summary>Shows a hidden <paramref name="address"/> again; false when it was not hidden.</summary>
    public Task<bool> UnhideAsync(string address, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_redis.SetRemoveAsync(HiddenKey, address), cancellationToken);

    private static HashSet<string> ToSet(RedisValue[] members)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (!member.IsNull) set.Add(member.ToString());
        }
        return set;
    }
}

/// <summary>The two override sets as read together.</summary>
public sealed record ViewOverrideSets(IReadOnlySet<string> Added, IReadOnlySet<string> Hidden);
