namespace KvCluster.Tests.Infrastructure;

/// <summary>redis-server is not installed; the message says how to install it.</summary>
public sealed class RedisServerNotFoundException : Exception
{
    public RedisServerNotFoundException()
        : base("redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; " +
               "macOS: `brew install redis`); scripts/test.sh installs it for you.")
    {
    }
}
