namespace KvCluster.Log.Membership;

/// <summary>The answer of GET /v1/cluster on any node or coordinator.</summary>
public sealed record ClusterView
{
    /// <summary>The last sequence number handed out.</summary>
    public long Head { get; init; }
    /// <summary>Entries below this seq are no longer in the stream (compacted); 1 when nothing was trimmed.</summary>
    public long TrimmedBelow { get; init; }
    public required IReadOnlyList<ClusterMember> Members { get; init; }
}

public sealed record ClusterMember
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public long Applied { get; init; }
    /// <summary>Head minus applied: how far behind the log this member is.</summary>
    public long Lag { get; init; }
    /// <summary>"healthy" (heartbeat fresh and ready), "catching-up" (fresh, not ready) or "down" (no recent heartbeat).</summary>
    public required string Health { get; init; }
    public long LastHeartbeatUnixMs { get; init; }
}
