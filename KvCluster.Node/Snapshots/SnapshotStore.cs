using System.Diagnostics;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Snapshots;

/// <summary>
/// A node's snapshot files in one directory: <c>snapshot.kvsnap</c> (newest) and <c>snapshot.prev.kvsnap</c>
/// (the one before). A save writes a temp file in the same directory, flushes it to disk and only then renames
/// it into place, so a crash at any moment leaves the old snapshot or the new one, never half of one. A file
/// that fails verification is logged with the reason, renamed to <c>*.corrupt</c> and never loaded.
/// One save at a time; load at start, before saving.
/// </summary>
public sealed class SnapshotStore
{
    public const string CurrentFileName = "snapshot.kvsnap";
    public const string PreviousFileName = "snapshot.prev.kvsnap";
    private const string TempPattern = "snapshot.*.tmp";

    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneWriter = new(1, 1);

    public SnapshotStore(string directory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _logger = logger;
    }

    public string Directory { get; }

    public string CurrentPath => Path.Combine(Directory, CurrentFileName);

    public string PreviousPath => Path.Combine(Directory, PreviousFileName);

    /// <summary>
    /// Writes <paramref name="machine"/>'s state as the newest snapshot; the one it replaces becomes the previous.
    /// Runs off the calling thread; the machine keeps applying while it is written.
    /// </summary>
    public async Task<SnapshotInfo> SaveAsync(KvStateMachine machine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(machine);
        await _oneWriter.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Save(machine, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneWriter.Release();
        }
    }

    /// <summary>
    /// Loads the newest snapshot that verifies, falling back to the previous one; null when there is none
    /// (start from an empty state and replay the whole log). Corrupt files are logged and set aside.
    /// </summary>
    public LoadedSnapshot? TryLoadLatest(TimeSpan? idempotencyWindow = null)
    {
        DeleteLeftoverTempFiles();
        foreach (string path in new[] { CurrentPath, PreviousPath })
        {
            if (!File.Exists(path))
                continue;
            var clock = Stopwatch.StartNew();
            try
            {
                KvStateMachine machine;
                long bytes;
                using (var file = OpenForReading(path))
                {
                    bytes = file.Length;
                    machine = KvStateMachine.ReadSnapshot(file, idempotencyWindow);
                }
                _logger.LogInformation("Loaded snapshot {Path} at seq {Seq}: {Keys} keys, {Bytes} bytes in {Ms} ms",
                    path, machine.AppliedSeq, machine.Count, bytes, clock.ElapsedMilliseconds);
                return new LoadedSnapshot(machine, path, bytes, clock.Elapsed);
            }
            catch (SnapshotFormatException e)
            {
                _logger.LogError("Ignoring snapshot {Path}: {Reason}. Renamed to *.corrupt; the state is rebuilt without it.",
                    path, e.Reason);
                SetAside(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError("Ignoring snapshot {Path}: it cannot be read ({Error})", path, e.Message);
            }
        }
        _logger.LogInformation("No usable snapshot in {Directory}; starting from an empty state", Directory);
        return null;
    }

    /// <summary>
    /// Makes a snapshot from bytes produced elsewhere (a checkpoint read from Redis): <paramref name="writeBytes"/>
    /// writes them into a temp file, which is verified by loading it and only then becomes the newest snapshot.
    /// </summary>
    /// <exception cref="SnapshotFormatException">The bytes are not an intact snapshot; nothing was installed.</exception>
    public async Task<LoadedSnapshot> InstallAsync(
        Func<Stream, CancellationToken, Task> writeBytes, TimeSpan? idempotencyWindow = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeBytes);
        await _oneWriter.WaitAsync(cancellationToken).ConfigureAwait(false);
        string temp = NewTempPath();
        try
        {
            var clock = Stopwatch.StartNew();
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, useAsync: true))
            {
                await writeBytes(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            var (machine, bytes) = await Task.Run(() =>
            {
                using var file = OpenForReading(temp);
                return (KvStateMachine.ReadSnapshot(file, idempotencyWindow), file.Length);
            }, cancellationToken).ConfigureAwait(false);
            Publish(temp);
            _logger.LogInformation("Installed snapshot at seq {Seq}: {Keys} keys, {Bytes} bytes in {Ms} ms",
                machine.AppliedSeq, machine.Count, bytes, clock.ElapsedMilliseconds);
            return new LoadedSnapshot(machine, CurrentPath, bytes, clock.Elapsed);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            _oneWriter.Release();
        }
    }

    private SnapshotInfo Save(KvStateMachine machine, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string temp = NewTempPath();
        try
        {
            SnapshotHeader header;
            long bytes;
            // Unbuffered: the snapshot writer already writes in 64 KiB blocks.
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                header = machine.WriteSnapshot(file, cancellationToken);
                file.Flush(flushToDisk: true);
                bytes = file.Length;
            }
            Publish(temp);
            var info = new SnapshotInfo(header.AppliedSeq, bytes, clock.Elapsed, header.LastChainHash, CurrentPath);
            _logger.LogInformation("Snapshot at seq {Seq} saved: {Keys} keys, {Bytes} bytes in {Ms} ms",
                info.Seq, header.EntryCount, info.Bytes, (long)info.Duration.TotalMilliseconds);
            return info;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    // Each rename is atomic. A crash between the two leaves only the previous snapshot, which the loader
    // falls back to.
    private void Publish(string temp)
    {
        if (File.Exists(CurrentPath))
            File.Move(CurrentPath, PreviousPath, overwrite: true);
        File.Move(temp, CurrentPath, overwrite: true);
    }

    private string NewTempPath()
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"snapshot.{Guid.NewGuid():N}.tmp");
    }

    private static FileStream OpenForReading(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    // Set aside rather than deleted, for a post-mortem, and out of the way so a later save cannot rotate a
    // corrupt file into the "previous" slot.
    private void SetAside(string path)
    {
        try
        {
            File.Move(path, path + ".corrupt", overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not rename corrupt snapshot {Path}: {Error}", path, e.Message);
        }
    }

    // Temp files of a save interrupted by a crash.
    private void DeleteLeftoverTempFiles()
    {
        if (!System.IO.Directory.Exists(Directory))
            return;
        foreach (string temp in System.IO.Directory.EnumerateFiles(Directory, TempPattern))
        {
            _logger.LogInformation("Deleting {Path}, left by an interrupted snapshot", temp);
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for DeleteLeftoverTempFiles at the next start.
        }
    }
}
