using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Earlier versions kept the log under "kv:"; the default is now "{kv}:". A cluster upgraded without setting
/// Kv:KeyPrefix would start on an empty log while its data sits under the old keys: say so, loudly, once at start.
/// </summary>
internal sealed class LegacyPrefixCheck(IConnectionMultiplexer redis, LogKeys keys, ILogger<LegacyPrefixCheck> logger) : BackgroundService
{
    internal const string LegacyPrefix = "kv:";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (keys.Prefix != LogKeys.DefaultPrefix) return;
        var legacy = new LogKeys(LegacyPrefix);
        try
        {
            var db = redis.GetDatabase();
            if (!await db.KeyExistsAsync(keys.Sequence).WaitAsync(stoppingToken) && await db.KeyExistsAsync(legacy.Sequence).WaitAsync(stoppingToken))
            {
                logger.LogError("Redis holds a KvCluster log under the prefix '{Legacy}' (an earlier version's default) and none under " +
                                "'{Prefix}': this cluster starts empty. To keep that data, set Kv:KeyPrefix={Legacy} " +
                                "(--key-prefix {Legacy} on the AppHost).", LegacyPrefix, keys.Prefix, LegacyPrefix, LegacyPrefix);
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e) || e is OperationCanceledException)
        {
            // Redis not reachable at start: the connection log says so; this check is only advice.
        }
    }
}
