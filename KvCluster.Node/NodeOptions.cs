namespace KvCluster.Node;

/// <summary>Settings under "Kv" (env Kv__...), as the AppHost or Aspire hands them out.</summary>
public sealed class NodeOptions
{
    /// <summary>This replica's id, e.g. "node-1".</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>Where the node keeps local files (snapshots).</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The URL other members and clients reach this node at; defaults to the first listening URL.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Largest value accepted; larger bodies get 413 before they are read.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a write waits to be sequenced and applied here before answering 503.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a linearizable or session read waits for this node to catch up before answering 503.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node this many entries behind the log head refuses new writes (etcd's max apply gap).</summary>
    public long MaxApplyLag { get; set; } = 50_000;

    /// <summary>Append requests to the coordinator in flight at once; writes arriving meanwhile form the next batch.</summary>
    public int MaxConcurrentAppends { get; set; } = 4;

    /// <summary>Most writes in one append request.</summary>
    public int MaxCommandsPerAppend { get; set; } = 256;

    /// <summary>Entries fetched per XREAD.</summary>
    public int TailBatchSize { get; set; } = 1000;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Take a snapshot to local disk after this many applied entries...</summary>
    public long SnapshotEveryEntries { get; set; } = 100_000;

    /// <summary>...or after this long, whichever comes first (only when something changed).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where snapshots are kept: {DataDir}/snapshots.</summary>
    public string SnapshotDirectory => Path.Combine(DataDir, "snapshots");

    /// <summary>How long an Idempotency-Key is remembered (must match the coordinator's).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// FOR TESTING THE LINEARIZABILITY CHECKER ONLY: answer linearizable reads from this node's map at once, without
    /// the read barrier, which breaks the guarantee on purpose (Kv__UnsafeSkipReadBarrier=true). Never set in production.
    /// </summary>
    public bool UnsafeSkipReadBarrier { get; set; }
}
