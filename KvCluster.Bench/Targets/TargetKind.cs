namespace KvCluster.Bench.Targets;

public enum TargetKind
{
    /// <summary>KvCluster nodes (docs/architecture.md §4); connections are spread over the given node URLs.</summary>
    KvCluster,

    /// <summary>etcd v3 through its HTTP/JSON gateway; connections are spread across the members' client URLs.</summary>
    Etcd,

    /// <summary>A redis-server, raw: XADD for writes (the log's own limit), GET for reads, through StackExchange.Redis.</summary>
    Redis,

    /// <summary>The trivial-server subcommand: a constant answer of the value size, the ceiling of one Kestrel endpoint here.</summary>
    Trivial,
}
