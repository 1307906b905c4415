using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Snapshots;

/// <summary>Snapshot files on disk: atomic saves, and a corrupt or truncated file is reported and never loaded.</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kvcluster-snapshots-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly RecordingLogger<SnapshotStore> _logger = new();
    private readonly SnapshotStore _store;

    public SnapshotStoreTests()
    {
        _store = new SnapshotStore(_directory, _logger);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static KvStateMachine Machine(int seed, int entries) => new RandomStates(seed, windowMs: 60_000).Build(entries, keySpace: 50);

    private string[] FileNames() => Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task A_saved_snapshot_loads_back_identically_and_leaves_no_temp_file()
    {
        var machine = Machine(seed: 1, entries: 500);

        var info = await _store.SaveAsync(machine);
        var loaded = _store.TryLoadLatest(TimeSpan.FromMinutes(1));

        Assert.Equal(500, info.Seq);
        Assert.Equal(new FileInfo(_store.CurrentPath).Length, info.Bytes);
        Assert.Equal(machine.LastChainHash, info.LastChainHash);
        Assert.NotNull(loaded);
        Assert.Equal(machine.ComputeDigest(), loaded.Machine.ComputeDigest());
        Assert.Equal(500, loaded.Seq);
        Assert.Equal(machine.LastChainHash, loaded.LastChainHash);
        Assert.Equal([SnapshotStore.CurrentFileName], FileNames());
    }

    [Fact]
    public async Task A_second_save_keeps_the_first_as_previous()
    {
        await _store.SaveAsync(Machine(seed: 1, entries: 100));
        await _store.SaveAsync(Machine(seed: 1, entries: 200));

        Assert.Equal([SnapshotStore.CurrentFileName, SnapshotStore.PreviousFileName], FileNames());
        Assert.Equal(200, _store.TryLoadLatest()!.Seq);
    }

    [Fact]
    public async Task A_corrupt_newest_snapshot_is_reported_set_aside_and_the_previous_loaded()
    {
        var previous = Machine(seed: 2, entries: 100);
        await _store.SaveAsync(previous);
        await _store.SaveAsync(Machine(seed: 2, entries: 300));
        FlipByte(_store.CurrentPath, at: (int)new FileInfo(_store.CurrentPath).Length - 1); // in the checksum trailer

        var loaded = _store.TryLoadLatest(TimeSpan.FromMinutes(1));

        Assert.NotNull(loaded);
        Assert.Equal(100, loaded.Seq);
        Assert.Equal(previous.ComputeDigest(), loaded.Machine.ComputeDigest());
        var error = Assert.Single(_logger.Errors);
        Assert.Contains(SnapshotStore.CurrentFileName, error);
        Assert.Contains("checksum", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(SnapshotStore.CurrentFileName + ".corrupt", FileNames());

        // The next save must not rotate the corrupt file into the "previous" slot.
        await _store.SaveAsync(loaded.Machine);
        Assert.Equal(100, _store.TryLoadLatest()!.Seq);
        Assert.True(File.Exists(_store.PreviousPath));
        Assert.Single(_logger.Errors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(-1)]
    public async Task A_truncated_snapshot_with_no_good_previous_loads_nothing(int keepBytes)
    {
        await _store.SaveAsync(Machine(seed: 3, entries: 200));
        var bytes = await File.ReadAllBytesAsync(_store.CurrentPath);
        int length = keepBytes >= 0 ? keepBytes : bytes.Length - 1;
        await File.WriteAllBytesAsync(_store.CurrentPath, bytes.AsSpan(0, length).ToArray());

        Assert.Null(_store.TryLoadLatest());
        Assert.Contains(_logger.Errors, e => e.Contains("truncated", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Wrong_magic_and_a_future_version_are_each_reported()
    {
        await _store.SaveAsync(Machine(seed: 4, entries: 10));
        await _store.SaveAsync(Machine(seed: 4, entries: 20));
        OverwriteAt(_store.CurrentPath, 0, "GARBAG"u8);
        OverwriteAt(_store.PreviousPath, 6, [9, 0]);

        Assert.Null(_store.TryLoadLatest());
        Assert.Equal(2, _logger.Errors.Count());
        Assert.Contains(_logger.Errors, e => e.Contains("KVSNAP"));
        Assert.Contains(_logger.Errors, e => e.Contains("format version 9"));
    }

    [Fact]
    public void No_directory_means_no_snapshot()
    {
        Assert.Null(_store.TryLoadLatest());
        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public async Task A_temp_file_left_by_a_crash_is_ignored_and_deleted()
    {
        await _store.SaveAsync(Machine(seed: 5, entries: 30));
        string leftover = Path.Combine(_directory, "snapshot.0123456789abcdef.tmp");
        await File.WriteAllBytesAsync(leftover, [1, 2, 3]);

        Assert.Equal(30, _store.TryLoadLatest()!.Seq);
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public async Task A_cancelled_save_leaves_the_last_snapshot_and_no_temp_file()
    {
        await _store.SaveAsync(Machine(seed: 6, entries: 30));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.SaveAsync(Machine(seed: 6, entries: 60), cancelled.Token));

        Assert.Equal([SnapshotStore.CurrentFileName], FileNames());
        Assert.Equal(30, _store.TryLoadLatest()!.Seq);
    }

    [Fact]
    public async Task Installed_bytes_become_the_newest_snapshot_only_when_intact()
    {
        await _store.SaveAsync(Machine(seed: 7, entries: 10));
        var incoming = Machine(seed: 8, entries: 400);
        var good = RandomStates.SnapshotBytes(incoming);
        var bad = (byte[])good.Clone();
        bad[^10] ^= 0xFF;

        await Assert.ThrowsAsync<SnapshotFormatException>(() => _store.InstallAsync((s, ct) => s.WriteAsync(bad, ct).AsTask()));
        Assert.Equal(10, _store.TryLoadLatest()!.Seq);
        Assert.Equal([SnapshotStore.CurrentFileName], FileNames());

        var installed = await _store.InstallAsync((s, ct) => s.WriteAsync(good, ct).AsTask(), TimeSpan.FromMinutes(1));
        Assert.Equal(incoming.ComputeDigest(), installed.Machine.ComputeDigest());
        Assert.Equal(400, _store.TryLoadLatest()!.Seq);
        Assert.Equal([SnapshotStore.CurrentFileName, SnapshotStore.PreviousFileName], FileNames());
    }

    private static void FlipByte(string path, int at)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void OverwriteAt(string path, int at, ReadOnlySpan<byte> with)
    {
        var bytes = File.ReadAllBytes(path);
        with.CopyTo(bytes.AsSpan(at));
        File.WriteAllBytes(path, bytes);
    }
}
