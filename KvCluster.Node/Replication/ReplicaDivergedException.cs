namespace KvCluster.Node.Replication;

/// <summary>This replica's state is not the log's history any more; it must rebuild before answering consistently.</summary>
public sealed class ReplicaDivergedException(string reason) : Exception($"This node is rebuilding its state from the log: {reason}.");
