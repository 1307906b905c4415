namespace KvCluster.Tests.Infrastructure;

/// <summary>How to start a private redis-server: loopback only, data under <see cref="DataDirectory"/>.</summary>
public sealed record RedisServerOptions
{
    /// <summary>The plain TCP port; 0 turns it off, as redis-server's own --port 0 does (with <see cref="Tls"/>: TLS only).</summary>
    public required int Port { get; init; }
    public required string DataDirectory { get; init; }
    /// <summary>AOF on by default: Redis is the source of truth.</summary>
    public bool AppendOnly { get; init; } = true;
    /// <summary>"always" or "everysec" (docs/architecture.md §3).</summary>
    public string AppendFsync { get; init; } = "everysec";
    /// <summary>
    /// Growth of the AOF, in percent of its size after the last rewrite, that starts the next rewrite (Redis's default
    /// is 100). The log appends every write and compaction trims it, so the AOF is mostly trimmed entries: with 10 KiB
    /// writes, rewriting at 100 % meant a fork (a 50-70 ms stall of Redis) and seconds of a core rewriting the whole
    /// dataset every 10-20 s, about a tenth of the writes a 2-core machine could do. At 400 the AOF may reach five
    /// times the dataset on disk between rewrites.
    /// </summary>
    public int AofRewritePercentage { get; init; } = 400;
    /// <summary>
    /// Whether a rewrite compresses the AOF's base (its RDB preamble) with LZF, Redis's default. The rewrite child
    /// shares the machine with the cluster, and under sustained 10 KiB writes compressing cost it 36-108 µs of CPU per
    /// write against 11-15 µs without (7-14 % of all the CPU a write took, against 2-3 %), for values that mostly do not
    /// shrink under LZF. Off, the base file is as large as the data it holds.
    /// </summary>
    public bool RdbCompression { get; init; }
    /// <summary>When set, clients must AUTH with this password (the default user's).</summary>
    public string? Password { get; init; }
    /// <summary>When set, the server also (with <see cref="Port"/> 0 only) serves TLS.</summary>
    public RedisTlsOptions? Tls { get; init; }
    /// <summary>Further arguments, e.g. "--user", "alice", "on", "&gt;secret", "~*", "+@all".</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
