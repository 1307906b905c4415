using KvCluster.Node.StateMachine;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Redis;
using StackExchange.Redis;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Snapshots;

namespace KvCluster.Tests.Checkpoints;

/// <summary>Checkpoints in a real redis-server: chunked, verified, published atomically, old ones removed.</summary>
public sealed class CheckpointStoreTests : IAsyncLifetime
{
    private const int ChunkBytes = 1024;
    private static readonly LogKeys Keys = new("t:");

    private RedisTestServer _server = null!;
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _redis = null!;
    private RedisCheckpointStore _store = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisTestServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",allowAdmin=true");
        _redis = _connection.GetDatabase();
        _store = new RedisCheckpointStore(_redis, Keys) { ChunkBytes = ChunkBytes };
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<byte[]> ReadAllAsync(CheckpointManifest manifest)
    {
        using var copy = new MemoryStream();
        await _store.CopyToAsync(manifest, copy);
        return copy.ToArray();
    }

    private Task<RedisResult> Run(string name, params string[] arguments) => _redis.ExecuteAsync(name, arguments);

    private async Task<string[]> ChunkKeys(long seq) =>
        ((RedisResult[])(await Run("KEYS", $"{_store.Keys.ChunkPrefix}{seq}:*"))!).Select(k => k.ToString()).ToArray();

    [Fact]
    public async Task A_multi_chunk_checkpoint_reads_back_byte_for_byte()
    {
        var bytes = RandomBytes(10 * ChunkBytes + 17, seed: 1);

        var written = await _store.WriteAsync(42, "chain-42", new MemoryStream(bytes));
        var manifest = await _store.ReadManifestAsync();

        Assert.Equal(written, manifest);
        Assert.Equal(42, manifest!.Seq);
        Assert.Equal(11, manifest.Chunks);
        Assert.Equal(bytes.Length, manifest.Bytes);
        Assert.Equal("chain-42", manifest.ChainHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), manifest.Sha256);
        Assert.Equal(bytes, await ReadAllAsync(manifest));
        Assert.Equal(11, (await ChunkKeys(42)).Length);
    }

    [Fact]
    public async Task An_exact_multiple_of_the_chunk_size_has_no_empty_last_chunk()
    {
        var bytes = RandomBytes(4 * ChunkBytes, seed: 2);
        var manifest = await _store.WriteAsync(7, "c", new MemoryStream(bytes));

        Assert.Equal(4, manifest.Chunks);
        Assert.Equal(bytes, await ReadAllAsync(manifest));
    }

    [Fact]
    public async Task There_is_no_manifest_before_the_first_checkpoint()
    {
        Assert.Null(await _store.ReadManifestAsync());
    }

    [Fact]
    public async Task The_manifest_appears_only_after_every_chunk_is_written_and_pending_chunks_expire_on_their_own()
    {
        var first = await _store.WriteAsync(10, "c10", new MemoryStream(RandomBytes(3 * ChunkBytes, seed: 3)));
        var bytes = RandomBytes(8 * ChunkBytes, seed: 4);
        var source = new GatedStream(bytes, pauseAfter: 5 * ChunkBytes);

        var writing = _store.WriteAsync(20, "c20", source);
        await source.Paused.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(async () => (await ChunkKeys(20)).Length == 5, TimeSpan.FromSeconds(10), () => "5 chunks written");

        // Half written: readers still see the previous checkpoint, and its chunks are intact.
        Assert.Equal(first, await _store.ReadManifestAsync());
        Assert.Equal(3 * ChunkBytes, (await ReadAllAsync(first)).Length);
        string pendingChunk = (await ChunkKeys(20))[0];
        Assert.InRange((long)(await Run("PTTL", pendingChunk)), 1, (long)_store.PendingChunkTtl.TotalMilliseconds);

        source.Open();
        var second = await writing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(second, await _store.ReadManifestAsync());
        Assert.Equal(bytes, await ReadAllAsync(second));
        Assert.Equal(-1, (long)(await Run("PTTL", pendingChunk))); // published chunks are permanent
    }

    [Fact]
    public async Task A_chunk_lost_while_writing_fails_the_write_and_publishes_nothing()
    {
        var source = new GatedStream(RandomBytes(6 * ChunkBytes, seed: 14), pauseAfter: 3 * ChunkBytes);
        var writing = _store.WriteAsync(30, "c30", source);
        await source.Paused.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(async () => (await ChunkKeys(30)).Length == 3, TimeSpan.FromSeconds(10), () => "3 chunks written");
        await Run("DEL", (await ChunkKeys(30))[0]);

        source.Open();

        await Assert.ThrowsAsync<CheckpointException>(() => writing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await _store.ReadManifestAsync());
        Assert.Empty(await ChunkKeys(30));
    }

    [Fact]
    public async Task Default_sized_chunks_carry_a_few_megabytes()
    {
        var store = new RedisCheckpointStore(_redis, Keys);
        var bytes = RandomBytes(3 * store.ChunkBytes + 12_345, seed: 15);

        var manifest = await store.WriteAsync(1, "c1", new MemoryStream(bytes));

        Assert.Equal(4, manifest.Chunks);
        using var copy = new MemoryStream();
        await store.CopyToAsync(manifest, copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Publishing_deletes_the_older_checkpoints_chunks()
    {
        var older = await _store.WriteAsync(100, "a", new MemoryStream(RandomBytes(5 * ChunkBytes, seed: 5)));
        await _store.WriteAsync(200, "b", new MemoryStream(RandomBytes(2 * ChunkBytes, seed: 6)));

        Assert.Empty(await ChunkKeys(100));
        Assert.Equal(2, (await ChunkKeys(200)).Length);
        var error = await Assert.ThrowsAsync<CheckpointException>(() => ReadAllAsync(older));
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public async Task An_older_checkpoint_never_replaces_a_newer_one()
    {
        var newer = await _store.WriteAsync(300, "new", new MemoryStream(RandomBytes(2 * ChunkBytes, seed: 7)));

        var refused = await Assert.ThrowsAsync<CheckpointSupersededException>(
            () => _store.WriteAsync(250, "old", new MemoryStream(RandomBytes(3 * ChunkBytes, seed: 8))));

        Assert.Equal(300, refused.PublishedSeq);
        Assert.Equal(newer, await _store.ReadManifestAsync());
        Assert.Empty(await ChunkKeys(250));
        Assert.Equal(2, (await ChunkKeys(300)).Length);
    }

    [Fact]
    public async Task A_changed_chunk_is_detected_by_the_checksum()
    {
        var manifest = await _store.WriteAsync(5, "c", new MemoryStream(RandomBytes(3 * ChunkBytes, seed: 9)));
        await Run("SETRANGE", _store.Keys.Chunk(5, manifest.Id, 1), "100", "X");

        var error = await Assert.ThrowsAsync<CheckpointException>(() => ReadAllAsync(manifest));
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public async Task A_missing_chunk_is_named()
    {
        var manifest = await _store.WriteAsync(5, "c", new MemoryStream(RandomBytes(3 * ChunkBytes, seed: 10)));
        await Run("DEL", _store.Keys.Chunk(5, manifest.Id, 2));

        var error = await Assert.ThrowsAsync<CheckpointException>(() => ReadAllAsync(manifest));
        Assert.Contains("Chunk 2 of 3", error.Message);
    }

    [Fact]
    public async Task A_state_machine_snapshot_survives_the_trip_through_redis()
    {
        var machine = new RandomStates(seed: 11, windowMs: 60_000).Build(count: 2_000, keySpace: 400);
        using var snapshot = new MemoryStream();
        var header = machine.WriteSnapshot(snapshot);
        snapshot.Position = 0;

        var manifest = await _store.WriteAsync(header.AppliedSeq, header.LastChainHash, snapshot);
        using var copy = new MemoryStream();
        await _store.CopyToAsync(manifest, copy);
        copy.Position = 0;
        var restored = KvStateMachine.ReadSnapshot(copy, TimeSpan.FromMinutes(1));

        Assert.True(manifest.Chunks > 1);
        Assert.Equal(machine.ComputeDigest(), restored.ComputeDigest());
        Assert.Equal(manifest.ChainHash, restored.LastChainHash);
    }

    [Fact]
    public async Task Trimming_never_passes_the_published_checkpoint()
    {
        for (int seq = 1; seq <= 100; seq++)
            await Run("XADD", Keys.Log, $"{seq}-0", "k", "v");

        Assert.Equal(new LogTrimResult(0, 0), await _store.TrimLogAsync(90)); // no checkpoint: keep everything
        Assert.Equal(100, (long)(await Run("XLEN", Keys.Log)));

        await _store.WriteAsync(50, "c50", new MemoryStream(RandomBytes(100, seed: 12)));
        Assert.Equal(new LogTrimResult(51, 50), await _store.TrimLogAsync(90)); // asked for 90, held at 51
        Assert.Equal(50, (long)(await Run("XLEN", Keys.Log)));
        Assert.Equal("51-0", ((RedisResult[])((RedisResult[])(await Run("XRANGE", Keys.Log, "-", "+", "COUNT", "1"))!)[0]!)![0].ToString());

        await _store.WriteAsync(95, "c95", new MemoryStream(RandomBytes(100, seed: 13)));
        Assert.Equal(new LogTrimResult(90, 39), await _store.TrimLogAsync(90));
        Assert.Equal(11, (long)(await Run("XLEN", Keys.Log)));
    }

    [Fact]
    public async Task A_long_trim_is_done_in_steps_so_Redis_serves_other_commands_between_them()
    {
        for (int seq = 1; seq <= 100; seq++)
            await Run("XADD", Keys.Log, $"{seq}-0", "k", "v");
        await _store.WriteAsync(95, "c95", new MemoryStream(RandomBytes(100, seed: 14)));
        var stepped = new RedisCheckpointStore(_redis, Keys) { ChunkBytes = ChunkBytes, TrimStepEntries = 7 };
        await Run("CONFIG", "RESETSTAT");

        Assert.Equal(new LogTrimResult(90, 89), await stepped.TrimLogAsync(90));

        Assert.Equal(11, (long)(await Run("XLEN", Keys.Log)));
        Assert.Equal("90-0", ((RedisResult[])((RedisResult[])(await Run("XRANGE", Keys.Log, "-", "+", "COUNT", "1"))!)[0]!)![0].ToString());
        // 89 entries, at most 7 per XTRIM: 13 separate commands.
        string stats = (await Run("INFO", "commandstats")).ToString();
        Assert.Contains("cmdstat_xtrim:calls=13,", stats);
    }
}
