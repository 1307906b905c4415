using KvCluster.Log.Client;
using KvCluster.Log.Entries;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Membership;

/// <summary>
/// What clients changed in the kevinDB-style replica view, kept in Redis so every node answers the same:
/// addresses added by hand (that no member heartbeats from) and member addresses hidden by hand.
/// The view itself is computed from these and the live members; see the Node's ReplicaViewRule.
/// </summary>
public sealed class ViewOverrides
{
    private readonly IRedisClient _redis;

    public ViewOverrides(IRedisClient redis, LogKeys keys)
    {
        _redis = redis;
        AddedKey = keys.Prefix + "view:added";
        HiddenKey = keys.Prefix + "view:hidden";
    }

    /// <summary>Set of "host:port" addresses a client added that are not members' addresses.</summary>
    public string AddedKey { get; }

    /// <summary>Set of member addresses a client removed; each stays hidden until added again or its replica restarts.</summary>
    public string HiddenKey { get; }

    public async Task<ViewOverrideSets> ReadAsync(CancellationToken cancellationToken = default)
    {
        var addedTask = _redis.ExecuteAsync(new RedisCommand("SMEMBERS", 1).Add(AddedKey), cancellationToken);
        var hiddenTask = _redis.ExecuteAsync(new RedisCommand("SMEMBERS", 1).Add(HiddenKey), cancellationToken);
        return new ViewOverrideSets(ToSet(await addedTask.ConfigureAwait(false)), ToSet(await hiddenTask.ConfigureAwait(false)));
    }

    /// <summary>Marks <paramref name="address"/> added; false when it already was.</summary>
    public Task<bool> AddAsync(string address, CancellationToken cancellationToken = default) =>
        ChangeAsync("SADD", AddedKey, address, cancellationToken);

    /// <summary>Forgets a hand-added <paramref name="address"/>; false when it was not added.</summary>
    public Task<bool> UnaddAsync(string address, CancellationToken cancellationToken = default) =>
        ChangeAsync("SREM", AddedKey, address, cancellationToken);

    /// <summary>Hides a member's <paramref name="address"/>; false when it already was hidden.</summary>
    public Task<bool> HideAsync(string address, CancellationToken cancellationToken = default) =>
        ChangeAsync("SADD", HiddenKey, address, cancellationToken);

    /// <summary>Shows a hidden <paramref name="address"/> again; false when it was not hidden.</summary>
    public Task<bool> UnhideAsync(string address, CancellationToken cancellationToken = default) =>
        ChangeAsync("SREM", HiddenKey, address, cancellationToken);

    private async Task<bool> ChangeAsync(string command, string key, string address, CancellationToken cancellationToken)
    {
        var reply = await _redis.ExecuteAsync(new RedisCommand(command, 2).Add(key).Add(address), cancellationToken).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    private static HashSet<string> ToSet(RespValue reply)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (reply.IsNull) return set;
        foreach (var item in reply.Items)
        {
            if (item.AsString() is { } address) set.Add(address);
        }
        return set;
    }
}

/// <summary>The two override sets as read together.</summary>
public sealed record ViewOverrideSets(IReadOnlySet<string> Added, IReadOnlySet<string> Hidden);
