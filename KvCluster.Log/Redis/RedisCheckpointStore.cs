using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using KvCluster.Log.Checkpoints;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Checkpoints in Redis: a snapshot's bytes (opaque here) split into chunks, so a large state never becomes one
/// huge value, plus a manifest hash naming the newest complete one. A checkpoint is published only after every
/// chunk is written and read back against its SHA-256, so a reader never sees a manifest whose chunks are not
/// all there; publishing deletes the chunks of the checkpoint it replaces.
/// </summary>
public sealed class RedisCheckpointStore
{
    private const int ReadAhead = 2;

    private readonly IDatabase _redis;
    private readonly CheckpointKeys _keys;
    private readonly TimeProvider _clock;

    public RedisCheckpointStore(IDatabase redis, LogKeys keys, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _keys = new CheckpointKeys(keys);
        _clock = clock ?? TimeProvider.System;
    }

    public CheckpointKeys Keys => _keys;

    /// <summary>Bytes per chunk (the last one may be shorter).</summary>
    public int ChunkBytes { get; init; } = 512 * 1024;

    /// <summary>
    /// Chunks expire after this until published, so those of a writer that crashed do not stay in Redis.
    /// Must exceed the time a whole checkpoint takes to write and verify.
    /// </summary>
    public TimeSpan PendingChunkTtl { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Chunk writes sent before waiting for the first reply.</summary>
    public int MaxChunkWritesInFlight { get; init; } = 4;

    /// <summary>
    /// Most log entries one trim step removes. Redis frees them before serving anything else; 1,000 entries of
    /// 10 KiB are about 1.4 ms of that, where trimming a whole compaction's worth at once held Redis for 134 ms.
    /// </summary>
    public int TrimStepEntries { get; init; } = 1_000;

    /// <summary>
    /// Writes <paramref name="snapshotBytes"/> (read to its end) as the checkpoint at <paramref name="seq"/>,
    /// verifies it, and publishes it as the newest. On any failure the chunks written are deleted and nothing
    /// is published.
    /// </summary>
    /// <exception cref="CheckpointSupersededException">A checkpoint at the same or a later seq is already published.</exception>
    /// <exception cref="CheckpointException">A chunk went missing or read back different before publishing.</exception>
    public async Task<CheckpointManifest> WriteAsync(
        long seq, string chainHash, Stream snapshotBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        ArgumentNullException.ThrowIfNull(chainHash);
        ArgumentNullException.ThrowIfNull(snapshotBytes);

        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        int chunks = 0;
        CheckpointManifest manifest;
        try
        {
            var (written, bytes, sha256) = await WriteChunksAsync(seq, id, snapshotBytes, count => chunks = count, cancellationToken)
                .ConfigureAwait(false);
            manifest = new CheckpointManifest(seq, id, written, bytes, sha256, chainHash, _clock.GetUtcNow().ToUnixTimeMilliseconds());

            // Read back before publishing: what readers will get is what was meant.
            await CopyToAsync(manifest, Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DeleteChunksAsync(seq, id, chunks).ConfigureAwait(false);
            throw;
        }

        try
        {
            await PublishAsync(manifest, cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        catch (CheckpointException)
        {
            // Redis said no: nothing references these chunks.
            await DeleteChunksAsync(seq, id, chunks).ConfigureAwait(false);
            throw;
        }
        // Any other failure (timeout, lost connection) may have come after the script ran: the chunks are then
        // the published checkpoint and must stay. If it did not run, they expire after PendingChunkTtl.
    }

    /// <summary>The newest published checkpoint, or null when there is none.</summary>
    public async Task<CheckpointManifest?> ReadManifestAsync(CancellationToken cancellationToken = default)
    {
        var items = await _redis.HashGetAllAsync(_keys.Manifest).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (items.Length == 0)
            return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
            fields[item.Name.ToString()] = item.Value.ToString();
        try
        {
            return new CheckpointManifest(
                Seq: long.Parse(fields["seq"], CultureInfo.InvariantCulture),
                Id: fields["id"],
                Chunks: int.Parse(fields["chunks"], CultureInfo.InvariantCulture),
                Bytes: long.Parse(fields["bytes"], CultureInfo.InvariantCulture),
                Sha256: fields["sha256"],
                ChainHash: fields["chainHash"],
                CreatedUnixMs: long.Parse(fields["createdUnixMs"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            throw new CheckpointException($"The checkpoint manifest {_keys.Manifest} is malformed: {e.Message}");
        }
    }

    /// <summary>
    /// Streams the checkpoint's bytes to <paramref name="destination"/> chunk by chunk, then checks length and
    /// SHA-256. On an exception the bytes already written are not a checkpoint: discard them, read the manifest
    /// again (a newer checkpoint may have replaced this one) and retry.
    /// </summary>
    /// <exception cref="CheckpointException">A chunk is missing, or the bytes do not match the manifest.</exception>
    public async Task CopyToAsync(CheckpointManifest manifest, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(destination);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var pending = new Queue<Task<RedisValue>>();
        int requested = 0;
        try
        {
            for (int i = 0; i < manifest.Chunks; i++)
            {
                while (requested < manifest.Chunks && pending.Count < ReadAhead)
                {
                    pending.Enqueue(_redis.StringGetAsync(_keys.Chunk(manifest.Seq, manifest.Id, requested++)));
                }
                var reply = await pending.Dequeue().ConfigureAwait(false);
                if (reply.IsNull)
                {
                    throw new CheckpointException(
                        $"Chunk {i} of {manifest.Chunks} of the checkpoint at seq {manifest.Seq} is missing " +
                        "(replaced by a newer checkpoint, or lost); read the manifest again.");
                }
                var chunk = (ReadOnlyMemory<byte>)reply;
                hash.AppendData(chunk.Span);
                total += chunk.Length;
                await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Leave no reply unobserved when a chunk failed.
            foreach (var stillPending in pending)
                await stillPending.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        string sha256 = Convert.ToHexStringLower(hash.GetCurrentHash());
        if (total != manifest.Bytes || sha256 != manifest.Sha256)
        {
            throw new CheckpointException(
                $"The checkpoint at seq {manifest.Seq} is corrupt: read {total} bytes with SHA-256 {sha256}, " +
                $"but the manifest says {manifest.Bytes} bytes with SHA-256 {manifest.Sha256}.");
        }
    }

    /// <summary>
    /// Trims the log so it keeps entries from <paramref name="keepFromSeq"/> on, but never past the published
    /// checkpoint (at most below its seq + 1): Redis always holds checkpoint + tail, whatever the caller asks.
    /// </summary>
    public async Task<LogTrimResult> TrimLogAsync(long keepFromSeq, CancellationToken cancellationToken = default)
    {
        // In steps of TrimStepEntries, each one script call, so writes and reads run between them.
        string keep = keepFromSeq.ToString(CultureInfo.InvariantCulture);
        string step = TrimStepEntries.ToString(CultureInfo.InvariantCulture);
        long removed = 0;
        while (true)
        {
            var reply = (RedisResult[])(await _redis.ScriptEvaluateAsync(CheckpointScripts.Trim, [_keys.Manifest, _keys.Log], [keep, step])
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
            removed += (long)reply[1];
            if ((long)reply[2] == 0) return new LogTrimResult((long)reply[0], removed);
        }
    }

    private async Task<(int Chunks, long Bytes, string Sha256)> WriteChunksAsync(
        long seq, string id, Stream source, Action<int> chunksStarted, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var inFlight = new Queue<(Task<bool> Write, byte[] Buffer)>();
        int chunks = 0;
        long total = 0;
        try
        {
            while (true)
            {
                // Chunk buffers come from a pool: a checkpoint of 100 MB made 200 large-object-heap arrays, and the
                // coordinator collected generation 2 throughout the windows in which one was written. A buffer goes
                // back once Redis has answered its SET; the command holds it until then.
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                int read = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                hash.AppendData(buffer, 0, read);
                var set = _redis.StringSetAsync(_keys.Chunk(seq, id, chunks), buffer.AsMemory(0, read), PendingChunkTtl);
                chunksStarted(++chunks);
                inFlight.Enqueue((set, buffer));
                total += read;
                if (inFlight.Count >= MaxChunkWritesInFlight)
                    await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
                if (read < ChunkBytes)
                    break;
            }
            while (inFlight.Count > 0)
                await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
        }
        finally
        {
            // A write that failed may still be queued in the client with its buffer: those are left to the GC.
            foreach (var (stillPending, _) in inFlight)
                await stillPending.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        return (chunks, total, Convert.ToHexStringLower(hash.GetCurrentHash()));
    }

    private static async Task CompleteAsync((Task<bool> Write, byte[] Buffer) chunk)
    {
        await chunk.Write.ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(chunk.Buffer);
    }

    private async Task PublishAsync(CheckpointManifest manifest, CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await _redis.ScriptEvaluateAsync(CheckpointScripts.Publish, [_keys.Manifest],
        [
            _keys.ChunkPrefix,
            manifest.Seq.ToString(CultureInfo.InvariantCulture),
            manifest.Id,
            manifest.Chunks.ToString(CultureInfo.InvariantCulture),
            manifest.Bytes.ToString(CultureInfo.InvariantCulture),
            manifest.Sha256,
            manifest.ChainHash,
            manifest.CreatedUnixMs.ToString(CultureInfo.InvariantCulture),
        ]).WaitAsync(cancellationToken).ConfigureAwait(false))!;

        long status = (long)reply[0];
        long detail = (long)reply[1];
        if (status == 0)
            throw new CheckpointSupersededException(manifest.Seq, detail);
        if (status < 0)
            throw new CheckpointException($"Chunk {detail} of the checkpoint at seq {manifest.Seq} vanished before it could be published (expired?).");
    }

    // Best effort and never cancelled: unpublished chunks expire anyway after PendingChunkTtl.
    private async Task DeleteChunksAsync(long seq, string id, int chunks)
    {
        const int PerCommand = 256;
        try
        {
            for (int from = 0; from < chunks; from += PerCommand)
            {
                int count = Math.Min(PerCommand, chunks - from);
                var unlink = new RedisKey[count];
                for (int i = 0; i < count; i++)
                    unlink[i] = _keys.Chunk(seq, id, from + i);
                await _redis.KeyDeleteAsync(unlink).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
        }
    }
}
