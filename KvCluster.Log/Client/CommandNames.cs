using System.Text;

namespace KvCluster.Log.Client;

/// <summary>The bytes of the command names this project sends, encoded once instead of per command.</summary>
internal static class CommandNames
{
    private static readonly Dictionary<string, byte[]> Known = new[]
    {
        "GET", "SET", "DEL", "EXISTS", "INCR", "INCRBY", "MGET", "MSET", "EXPIRE", "PEXPIRE",
        "HGET", "HSET", "HDEL", "HGETALL", "HMGET",
        "EVAL", "EVALSHA", "SCRIPT",
        "XADD", "XREAD", "XRANGE", "XREVRANGE", "XLEN", "XTRIM", "XINFO", "XDEL",
        "PING", "AUTH", "SELECT", "CLIENT", "INFO", "TIME", "DEBUG", "MULTI", "EXEC",
    }.ToDictionary(name => name, name => Encoding.ASCII.GetBytes(name), StringComparer.Ordinal);

    public static ReadOnlyMemory<byte> GetBytes(string name) =>
        Known.TryGetValue(name, out var bytes) ? bytes : Encoding.UTF8.GetBytes(name);
}
