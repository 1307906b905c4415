namespace KvCluster.Bench.Comparison;

/// <summary>
/// One workload at one value size in a before/after run (scripts/bench-compare.sh): the two builds' measures, and
/// each against etcd measured in the same rounds.
/// </summary>
public sealed record RevisionCell
{
    public required string Scenario { get; init; }
    public required int ValueSize { get; init; }

    /// <summary>Rounds measured on each side (base, head).</summary>
    public required (int Base, int Head) Rounds { get; init; }

    public required RevisionChange Throughput { get; init; }
    public required RevisionChange P50 { get; init; }
    public required RevisionChange P99 { get; init; }

    /// <summary>CPU µs per operation of every KvCluster process watched (nodes, coordinator, Redis and its rewrites), the load generator not included.</summary>
    public required RevisionChange CpuPerOperation { get; init; }

    /// <summary>CPU µs per operation of each watched process, the load generator included, by process name.</summary>
    public required IReadOnlyDictionary<string, RevisionChange> ProcessCpu { get; init; }

    /// <summary>Throughput over etcd's, round by round, then the median (base, head); null without etcd rounds.</summary>
    public required (double? Base, double? Head) OverEtcd { get; init; }

    /// <summary>etcd's p99 over KvCluster's, round by round, then the median (base, head): above 1 is KvCluster's lower.</summary>
    public required (double? Base, double? Head) EtcdP99Over { get; init; }

    public required double? EtcdThroughput { get; init; }

    /// <summary>Throughput of every round in the order they ran: base, head, etcd.</summary>
    public required (IReadOnlyList<double> Base, IReadOnlyList<double> Head, IReadOnlyList<double> Etcd) RoundThroughputs { get; init; }

    /// <summary>Failed requests in the measured windows of all rounds, and during prefills (base, head, etcd).</summary>
    public required (long Base, long Head, long Etcd) Errors { get; init; }
}
