namespace KvCluster.AppHost.Local;

/// <summary>redis-server is not installed; the message says how to install it.</summary>
public sealed class RedisServerNotFoundException : Exception
{
    public RedisServerNotFoundException()
        : base("redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; " +
               "macOS: `brew install redis`), or pass --redis host:port to use a Redis you already run.")
    {
    }
}
