using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;

namespace KvCluster.Log;

/// <summary>
/// Everything the cluster does with its log (docs/architecture.md §2): the coordinator appends batches through
/// the sequencer, nodes read entries after a seq and wait for new ones, reads learn the head, compaction writes
/// checkpoints and trims. <see cref="Redis.RedisReplicatedLog"/> is the real one; <see cref="InMemory.InMemoryReplicatedLog"/>
/// lets tests drive the write, read and apply paths in-process. Failures to reach the log are
/// <see cref="LogUnavailableException"/>; a malformed entry is <see cref="LogFormatException"/>.
/// </summary>
public interface IReplicatedLog
{
    /// <summary>
    /// Sequences several append requests (each one node's batch) in one atomic step, in order; returns where each
    /// command landed, in the same order. A request is known by its first command's request id: a repeated request
    /// is answered with the sequence numbers it got then and appends nothing; so is a command whose idempotency key
    /// was sequenced within the retention window.
    /// </summary>
    Task<AppendOutcome[]> AppendAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxEntries"/> entries with seq greater than <paramref name="afterSeq"/>, in order, without
    /// waiting (empty when there are none). The first may be beyond <paramref name="afterSeq"/> + 1 when the log was
    /// trimmed past it: the caller checks density and the chain.
    /// </summary>
    Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSeq, int maxEntries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when the log is known to hold an entry after <paramref name="afterSeq"/>, or after
    /// <paramref name="maxWait"/>, whichever comes first (true in the first case). Wake-ups are hints: a caller reads
    /// after either outcome, so an announcement that never arrives costs at most <paramref name="maxWait"/>.
    /// </summary>
    Task<bool> WaitForEntriesAfterAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>The highest seq this process has seen announced (0 when none yet): a hint, never a barrier.</summary>
    long AnnouncedHead { get; }

    /// <summary>The log head: the last sequence number handed out (0 for an empty log), read from the log itself.</summary>
    Task<long> ReadHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Head, first seq still held and number of entries held, read together.</summary>
    Task<LogExtent> ReadExtentAsync(CancellationToken cancellationToken = default);

    /// <summary>The newest published checkpoint, or null when there is none.</summary>
    Task<CheckpointManifest?> ReadCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="snapshot"/> (read to its end) as the checkpoint at <paramref name="seq"/>, verifies it and
    /// publishes it as the newest; on failure nothing is published.
    /// </summary>
    /// <exception cref="CheckpointSupersededException">One at the same or a later seq is already published.</exception>
    Task<CheckpointManifest> WriteCheckpointAsync(long seq, string chainHash, Stream snapshot, CancellationToken cancellationToken = default);

    /// <summary>Streams the checkpoint's bytes to <paramref name="destination"/>, then checks length and SHA-256.</summary>
    /// <exception cref="CheckpointException">A chunk is missing, or the bytes do not match the manifest: read the manifest again.</exception>
    Task CopyCheckpointToAsync(CheckpointManifest manifest, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes entries below <paramref name="keepFromSeq"/>, never past the published checkpoint (at most below its
    /// seq + 1): the log always holds checkpoint + tail, whatever the caller asks.
    /// </summary>
    Task<LogTrimResult> TrimAsync(long keepFromSeq, CancellationToken cancellationToken = default);
}
