namespace KvCluster.Log.Entries;

/// <summary>
/// The Redis key names of one KvCluster log (docs/architecture.md §2.1), all under one prefix.
/// Under Redis Cluster use a hash-tagged prefix such as "{kv}:" so the sequencer script's keys share a slot.
/// </summary>
public sealed class LogKeys
{
    public const string DefaultPrefix = "kv:";

    public LogKeys(string prefix = DefaultPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix;
        Log = prefix + "log";
        Sequence = prefix + "seq";
        Chain = prefix + "chain";
        Members = prefix + "members";
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
}
