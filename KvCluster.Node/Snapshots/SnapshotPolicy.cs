namespace KvCluster.Node.Snapshots;

/// <summary>
/// When to take the next snapshot: after <paramref name="EveryEntries"/> applied entries or
/// <paramref name="EveryInterval"/> of time, whichever comes first, and never when nothing changed.
/// </summary>
public sealed record SnapshotPolicy(long EveryEntries, TimeSpan EveryInterval)
{
    public static readonly SnapshotPolicy Default = new(EveryEntries: 100_000, EveryInterval: TimeSpan.FromMinutes(5));

    public bool IsDue(long appliedSeq, long lastSnapshotSeq, TimeSpan sinceLastSnapshot)
    {
        if (appliedSeq == lastSnapshotSeq)
            return false;
        // Below the last snapshot means the machine was replaced (rebuilt from the log): that snapshot is
        // of another history, so replace it at once.
        return appliedSeq < lastSnapshotSeq
            || appliedSeq - lastSnapshotSeq >= EveryEntries
            || sinceLastSnapshot >= EveryInterval;
    }
}
