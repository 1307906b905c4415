namespace KvCluster.Coordinator;

/// <summary>Settings under "Kv" (env Kv__...).</summary>
public sealed class CoordinatorOptions
{
    /// <summary>How long a client's Idempotency-Key is remembered.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a node's request id is remembered, so a retried append is not sequenced twice.</summary>
    public TimeSpan RequestIdRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most commands in one script call; more wait for the next batch.</summary>
    public int MaxBatchCommands { get; set; } = 512;

    /// <summary>Script calls in flight at once: Redis runs them one after another, the pipeline keeps it busy.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>Appends queued beyond this are refused with 503 rather than waiting without bound.</summary>
    public int MaxQueuedAppends { get; set; } = 20_000;

    /// <summary>How often the coordinator checks whether the log needs compacting.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Entries kept in the stream behind the newest checkpoint; compaction starts when the stream is longer.</summary>
    public long RetainEntries { get; set; } = 10_000;

    /// <summary>How long one compaction may hold the lease (several coordinators: one compacts at a time).</summary>
    public TimeSpan CompactionLeaseTtl { get; set; } = TimeSpan.FromMinutes(2);
}
