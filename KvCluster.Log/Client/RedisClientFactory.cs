namespace KvCluster.Log.Client;

/// <summary>How services open their Redis client: never failing at start, so a service can come up before Redis does.</summary>
public static class RedisClientFactory
{
    /// <summary>
    /// Connects with abortConnect=false: when Redis is not reachable yet the client is returned anyway and keeps
    /// reconnecting in the background (health checks report it). Wrong credentials still fail at once.
    /// </summary>
    public static RedisClient ConnectInBackground(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:redis is not set (env ConnectionStrings__redis), e.g. 127.0.0.1:6379.");
        }
        var options = RedisConnectionOptions.Parse(connectionString) with { AbortConnect = false };
        // Startup only: the connect attempt is bounded by the options' connect timeout.
        return RedisClient.ConnectAsync(options).GetAwaiter().GetResult();
    }
}
