namespace KvCluster.Log.Membership;

/// <summary>What a node says of itself in each heartbeat (stored as JSON in the members hash).</summary>
public sealed record MemberRecord
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public long Applied { get; init; }
    public long SnapshotSeq { get; init; }
    public bool Ready { get; init; }
    public long HeartbeatUnixMs { get; init; }
}
