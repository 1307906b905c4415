using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>What StackExchange.Redis throws when Redis cannot serve a call, turned into the log's own failure.</summary>
internal static class RedisFailures
{
    /// <summary>
    /// Unreachable, timed out, or refusing for now (LOADING after a restart, READONLY or MASTERDOWN during a failover,
    /// NOAUTH/WRONGPASS): the caller's operation may be retried later. A client-side misuse is not among these.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e is RedisConnectionException or RedisTimeoutException or RedisServerException;

    public static LogUnavailableException Unavailable(Exception e) =>
        new($"Redis: {e.Message}", e, publicReason: "Redis is unreachable or refused the call.");

    /// <summary>Awaits <paramref name="call"/>, turning Redis's failures into <see cref="LogUnavailableException"/>.</summary>
    public static async Task<T> Guard<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    /// <inheritdoc cref="Guard{T}(Task{T}, CancellationToken)"/>
    public static async Task Guard(Task call, CancellationToken cancellationToken)
    {
        try
        {
            await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }
}
