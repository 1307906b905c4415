using KvCluster.Log;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Watch;

/// <summary>
/// Changes older than the change journal, made again from Redis (docs/architecture.md §8.1): the newest checkpoint
/// loaded into a temporary state machine (or an empty one while the log still starts at seq 1), the log entries after
/// it applied silently up to the stream's start, then applied with their changes sent, until the stream meets the
/// journal. The temporary machine is a whole copy of the database, so one replay runs at a time on a node; others wait.
/// </summary>
public sealed class HistoryReplay
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan WaitAtHead = TimeSpan.FromMilliseconds(200);

    private readonly IReplicatedLog _log;
    private readonly string _tempDirectory;
    private readonly int _batchSize;
    private readonly TimeSpan _idempotencyWindow;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public HistoryReplay(IReplicatedLog log, string tempDirectory, int batchSize, TimeSpan idempotencyWindow)
    {
        _log = log;
        _tempDirectory = tempDirectory;
        _batchSize = batchSize;
        _idempotencyWindow = idempotencyWindow;
    }

    /// <summary>
    /// Where the history from <paramref name="start"/> can come from, or that it is gone: the oldest seq a stream can
    /// start at is the journal's oldest or, from Redis, 1 while the log was never trimmed, else the newest checkpoint's
    /// seq + 1 (the log before it is trimmed, and a change needs the state before it).
    /// </summary>
    /// <exception cref="LogUnavailableException">Redis cannot be read.</exception>
    public async Task<ReplayPlan> PlanAsync(long start, long journalOldest, CancellationToken cancellationToken)
    {
        var extent = await _log.ReadExtentAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await _log.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        long fromRedis = extent.FirstSeq <= 1 ? 1 : checkpoint is null ? long.MaxValue : checkpoint.Seq + 1;
        long oldest = Math.Min(fromRedis, journalOldest);
        if (start < oldest) return new ReplayPlan(oldest, null, Compacted: true);
        // The checkpoint when it is before the start (less to apply), else the whole log from seq 1.
        return new ReplayPlan(oldest, checkpoint is not null && checkpoint.Seq < start ? checkpoint : null, Compacted: false);
    }

    /// <summary>
    /// Sends the changes from <paramref name="start"/> on that pass <paramref name="filter"/> through
    /// <paramref name="emit"/> (whole entries at a time, with the seq through which they are complete) until
    /// <paramref name="meetsJournal"/> says the journal holds what follows a seq; returns that seq.
    /// </summary>
    /// <exception cref="HistoryCompactedException">The log was compacted past the start meanwhile.</exception>
    /// <exception cref="LogUnavailableException">Redis cannot be read.</exception>
    public async Task<long> ReplayAsync(long start, ReplayPlan plan, WatchFilter filter, Func<long, bool> meetsJournal,
        Func<IReadOnlyList<KvChange>, long, Task> emit, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long delivered = start - 1;
            for (int attempt = 1; ; attempt++)
            {
                if (meetsJournal(delivered)) return delivered;
                var machine = plan.Checkpoint is null ? new KvStateMachine(_idempotencyWindow) : await TryLoadAsync(plan.Checkpoint, cancellationToken).ConfigureAwait(false);
                if (machine is not null)
                {
                    long? met = await ApplyLogAsync(machine, delivered + 1, filter, meetsJournal, emit, cancellationToken).ConfigureAwait(false);
                    if (met is { } through) return through;
                    delivered = Math.Max(delivered, machine.AppliedSeq);
                }

                // The checkpoint was replaced, or the log does not continue it: compacted again meanwhile. Plan again,
                // from what is delivered.
                plan = await PlanAsync(delivered + 1, long.MaxValue, cancellationToken).ConfigureAwait(false);
                if (plan.Compacted || attempt == MaxAttempts) throw new HistoryCompactedException(plan.OldestSeq, delivered);
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    // Null when the log stops continuing the machine (trimmed past it); else the seq the stream met the journal at.
    private async Task<long?> ApplyLogAsync(KvStateMachine machine, long start, WatchFilter filter, Func<long, bool> meetsJournal,
        Func<IReadOnlyList<KvChange>, long, Task> emit, CancellationToken cancellationToken)
    {
        var changes = new List<KvChange>();
        var matching = new List<KvChange>();
        while (true)
        {
            long through = Math.Max(machine.AppliedSeq, start - 1);
            if (meetsJournal(through)) return through;
            var entries = await _log.ReadAfterAsync(machine.AppliedSeq, _batchSize, cancellationToken).ConfigureAwait(false);
            if (entries.Count == 0)
            {
                // At the log's head and the journal not there yet: this node is still applying it.
                await _log.WaitForEntriesAfterAsync(machine.AppliedSeq, WaitAtHead, cancellationToken).ConfigureAwait(false);
                continue;
            }
            bool continues = true;
            foreach (var entry in entries)
            {
                continues = entry.Seq == machine.AppliedSeq + 1 && ChainHash.Continues(machine.LastChainHash, entry);
                if (!continues) break;
                machine.Apply(entry, entry.Seq >= start ? changes : null);
            }
            if (machine.AppliedSeq >= start)
            {
                // What was applied is sent before giving up on the rest, so a retry continues after it.
                foreach (var change in changes)
                {
                    if (filter.Matches(change)) matching.Add(change);
                }
                await emit(matching, machine.AppliedSeq).ConfigureAwait(false);
                changes.Clear();
                matching.Clear();
            }
            if (!continues) return null;
        }
    }

    // The checkpoint's bytes into a file deleted when closed (a checkpoint can be far larger than a request should hold),
    // then read as a snapshot.
    // Null when the checkpoint is gone (a newer one replaced it while it was read).
    private async Task<KvStateMachine?> TryLoadAsync(CheckpointManifest checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointException)
        {
            return null;
        }
    }

    private async Task<KvStateMachine> LoadAsync(CheckpointManifest checkpoint, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_tempDirectory);
        string path = Path.Combine(_tempDirectory, $"replay.{Guid.NewGuid():N}.tmp");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await _log.CopyCheckpointToAsync(checkpoint, file, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        return await Task.Run(() => KvStateMachine.ReadSnapshot(file, _idempotencyWindow), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Where a replay starts: <paramref name="Checkpoint"/> (null: the log from seq 1), or, when <paramref name="Compacted"/>,
/// nowhere: the start is below <paramref name="OldestSeq"/>, the oldest seq this node can serve.
/// </summary>
public sealed record ReplayPlan(long OldestSeq, CheckpointManifest? Checkpoint, bool Compacted);

/// <summary>The log was compacted past a replay's position: changes after <see cref="DeliveredThrough"/> before <see cref="OldestSeq"/> are gone.</summary>
public sealed class HistoryCompactedException(long oldestSeq, long deliveredThrough)
    : Exception($"The log was compacted: the oldest seq available is {oldestSeq}.")
{
    public long OldestSeq { get; } = oldestSeq;

    public long DeliveredThrough { get; } = deliveredThrough;
}
