namespace KvCluster.Hosting;

/// <summary>The two programs a cluster runs: one coordinator, and the nodes.</summary>
internal enum ClusterService
{
    Coordinator,
    Node,
}
