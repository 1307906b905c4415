using System.Diagnostics.Metrics;

namespace KvCluster.Coordinator;

/// <summary>The coordinator's own instruments, on the "KvCluster" meter that ServiceDefaults exports.</summary>
internal static class CoordinatorMetrics
{
    public static readonly Meter Meter = new("KvCluster");
}
