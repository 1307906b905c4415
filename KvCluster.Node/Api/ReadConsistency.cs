namespace KvCluster.Node.Api;

/// <summary>The read consistency a client chose (docs/architecture.md §3).</summary>
public enum ReadConsistency
{
    /// <summary>Reflects every write acknowledged before the read began (one shared Redis round trip).</summary>
    Linearizable,
    /// <summary>Reflects at least the writes up to X-Kv-Min-Seq: read-your-writes and monotonic reads across nodes.</summary>
    Session,
    /// <summary>This node's map as it is: may be stale, never goes backwards on one node.</summary>
    Local,
}
