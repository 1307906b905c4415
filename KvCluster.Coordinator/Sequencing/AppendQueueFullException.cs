namespace KvCluster.Coordinator.Sequencing;

/// <summary>More appends are waiting than the coordinator accepts; the caller should back off.</summary>
public sealed class AppendQueueFullException : Exception
{
    public AppendQueueFullException(int limit) : base($"More than {limit} appends are waiting for Redis; try again shortly.") { }
}
