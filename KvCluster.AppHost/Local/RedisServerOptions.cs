namespace KvCluster.AppHost.Local;

/// <summary>How to start a private redis-server: loopback only, data under <see cref="DataDirectory"/>.</summary>
public sealed record RedisServerOptions
{
    public required int Port { get; init; }
    public required string DataDirectory { get; init; }
    /// <summary>AOF on by default: Redis is the source of truth.</summary>
    public bool AppendOnly { get; init; } = true;
    /// <summary>"always" or "everysec" (DESIGN.md §3).</summary>
    public string AppendFsync { get; init; } = "everysec";
    /// <summary>When set, clients must AUTH with this password (the default user's).</summary>
    public string? Password { get; init; }
    /// <summary>Further arguments, e.g. "--user", "alice", "on", "&gt;secret", "~*", "+@all".</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
