namespace KvCluster.Hosting;

/// <summary>How the private Redis runs when no <c>--redis</c> is given.</summary>
public enum RedisMode
{
    /// <summary>A container where a container runtime is healthy (always when publishing), else redis-server from PATH.</summary>
    Auto,
    /// <summary>The Aspire Redis container, with a data volume and the AOF on.</summary>
    Container,
    /// <summary>redis-server from PATH as an executable resource.</summary>
    Executable,
}
