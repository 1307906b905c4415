namespace KvCluster.Node.StateMachine;

/// <summary>One key of a listing page: its version and its value's size in bytes.</summary>
public readonly record struct KvListItem(string Key, long Version, int Size);
