namespace KvCluster.Log.Entries;

/// <summary>What a log entry does (docs/architecture.md §2.2).</summary>
public enum LogOperation : byte
{
    /// <summary>Writes the value of <see cref="LogEntry.Key"/> (attached to <see cref="LogEntry.Lease"/> when one is named).</summary>
    Put = 1,
    /// <summary>Removes <see cref="LogEntry.Key"/>.</summary>
    Delete = 2,
    /// <summary>A multi-key transaction: the compares and both branches travel in <see cref="LogEntry.Value"/>; decided at apply.</summary>
    Txn = 3,
    /// <summary>Creates the lease whose id is <see cref="LogEntry.Key"/>; its TTL travels in <see cref="LogEntry.Value"/>.</summary>
    LeaseGrant = 4,
    /// <summary>Ends the lease whose id is <see cref="LogEntry.Key"/> (revoked or expired) and deletes its keys.</summary>
    LeaseRevoke = 5,
}
