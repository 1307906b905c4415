namespace KvCluster.Bench.Workload;

/// <summary>The read consistency asked of the target (docs/architecture.md §3); etcd knows linearizable and local (serializable).</summary>
public enum ReadConsistency
{
    Linearizable,
    Session,
    Local,
}
