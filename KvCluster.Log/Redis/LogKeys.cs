namespace KvCluster.Log.Redis;

/// <summary>
/// The Redis key names of one KvCluster log (docs/architecture.md §2.1), all under one prefix. The default prefix is
/// a hash tag, so under Redis Cluster every key of one KvCluster lives in one slot, as the sequencer script (which
/// touches several of them in one step) requires. A deployment that began under another prefix keeps it by setting
/// Kv:KeyPrefix.
/// </summary>
public sealed class LogKeys
{
    public const string DefaultPrefix = "{kv}:";

    public LogKeys(string prefix = DefaultPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix;
        Log = prefix + "log";
        Sequence = prefix + "seq";
        Chain = prefix + "chain";
        Members = prefix + "members";
        HeadChannel = prefix + "head";
        Leases = prefix + "leases";
        LeaseTtls = prefix + "lease-ttl";
    }

    public string Prefix { get; }

    /// <summary>The stream: one entry per command, entry id "{seq}-0".</summary>
    public string Log { get; }

    /// <summary>The last sequence number handed out (the log head).</summary>
    public string Sequence { get; }

    /// <summary>The chain hash of the last entry.</summary>
    public string Chain { get; }

    /// <summary>Hash of node id → membership record (heartbeats).</summary>
    public string Members { get; }

    /// <summary>Pub/sub channel on which the sequencer announces each new head (its seq as text).</summary>
    public string HeadChannel { get; }

    /// <summary>Sorted set of lease id → deadline (Redis time, Unix ms): lease liveness, kept out of the log (§8.2).</summary>
    public string Leases { get; }

    /// <summary>Hash of lease id → "{granted TTL ms}:{granted at, Redis time Unix ms}", beside <see cref="Leases"/>.</summary>
    public string LeaseTtls { get; }
}
