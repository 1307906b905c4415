using KvCluster.Log;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// The log as one node reaches it, watched by the test: counts the head fetches the read barrier makes and the reads
/// the tailer saw fail, and holds head replies or tailer reads at a <see cref="Gate"/>. Everything else passes through.
/// </summary>
internal sealed class WatchedLog(IReplicatedLog inner) : IReplicatedLog
{
    private int _headReads;
    private int _failedReads;

    /// <summary>Holds each head fetch after the head was read, as a reply on its way back.</summary>
    public Gate HeadReplies { get; } = new();

    /// <summary>Holds reads of entries before they reach the log.</summary>
    public Gate Reads { get; } = new();

    public int HeadReads => Volatile.Read(ref _headReads);

    /// <summary>Reads of entries that failed because the log was unavailable.</summary>
    public int FailedReads => Volatile.Read(ref _failedReads);

    public long AnnouncedHead => inner.AnnouncedHead;

    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _headReads);
        long head = await inner.ReadHeadAsync(cancellationToken);
        await HeadReplies.PassAsync(cancellationToken);
        return head;
    }

    public async Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSeq, int maxEntries, CancellationToken cancellationToken = default)
    {
        await Reads.PassAsync(cancellationToken);
        try
        {
            return await inner.ReadAfterAsync(afterSeq, maxEntries, cancellationToken);
        }
        catch (LogUnavailableException)
        {
            Interlocked.Increment(ref _failedReads);
            throw;
        }
    }

    public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(requests, cancellationToken);

    public Task<bool> WaitForEntriesAfterAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        inner.WaitForEntriesAfterAsync(afterSeq, maxWait, cancellationToken);

    public Task<LogExtent> ReadExtentAsync(CancellationToken cancellationToken = default) => inner.ReadExtentAsync(cancellationToken);

    public Task<CheckpointManifest?> ReadCheckpointAsync(CancellationToken cancellationToken = default) => inner.ReadCheckpointAsync(cancellationToken);

    public Task<CheckpointManifest> WriteCheckpointAsync(long seq, string chainHash, Stream snapshot, CancellationToken cancellationToken = default) =>
        inner.WriteCheckpointAsync(seq, chainHash, snapshot, cancellationToken);

    public Task CopyCheckpointToAsync(CheckpointManifest manifest, Stream destination, CancellationToken cancellationToken = default) =>
        inner.CopyCheckpointToAsync(manifest, destination, cancellationToken);

    public Task<LogTrimResult> TrimAsync(long keepFromSeq, CancellationToken cancellationToken = default) =>
        inner.TrimAsync(keepFromSeq, cancellationToken);
}
