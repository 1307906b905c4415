using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using KvCluster.Log;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Log;

/// <summary>
/// What every <see cref="IReplicatedLog"/> does (KvCluster.Log/IReplicatedLog.cs, docs/architecture.md §2), run against
/// each implementation by a subclass. The node's tailer and read barrier and the coordinator's batcher rely on exactly
/// this, whichever log is behind them; the in-process path tests (KvCluster.Tests/Replication/InProcess) rely on the
/// in-memory log behaving as Redis does.
/// </summary>
public abstract class ReplicatedLogContract
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1);

    /// <summary>A new, empty log for one test.</summary>
    protected abstract IReplicatedLog NewLog();

    /// <summary>The same log as another process reaches it (another node or coordinator).</summary>
    protected abstract IReplicatedLog SameLogElsewhere(IReplicatedLog log);

    [Fact]
    public async Task Commands_get_dense_sequence_numbers_in_order_across_requests_and_calls()
    {
        var log = NewLog();

        var first = await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2")], [Commands.Put("c", "3")]]);
        var second = await log.AppendAsync([[Commands.Delete("a")]]);

        Assert.Equal([new AppendOutcome(1, false), new AppendOutcome(2, false), new AppendOutcome(3, false)], first);
        Assert.Equal([new AppendOutcome(4, false)], second);
        var entries = await log.ReadAfterAsync(0, 100);
        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Seq));
        Assert.Equal(["a", "b", "c", "a"], entries.Select(e => e.Key));
        Assert.Equal([LogOperation.Put, LogOperation.Put, LogOperation.Put, LogOperation.Delete], entries.Select(e => e.Operation));
    }

    [Fact]
    public async Task Every_field_of_a_command_comes_back_in_its_entry()
    {
        var log = NewLog();
        var command = Commands.Put("ключ/1", "значение") with
        {
            ContentType = "application/json; charset=utf-8",
            Precondition = Precondition.VersionMatches(7),
            IdempotencyKey = "idem-fields",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            OriginNode = "node-3",
        };
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await log.AppendAsync([[command]]);

        var entry = Assert.Single(await log.ReadAfterAsync(0, 10));
        Assert.Equal(command.Key, entry.Key);
        Assert.Equal("значение", Encoding.UTF8.GetString(entry.Value.Span));
        Assert.Equal(command.ContentType, entry.ContentType);
        Assert.Equal(command.Precondition, entry.Precondition);
        Assert.Equal(command.IdempotencyKey, entry.IdempotencyKey);
        Assert.Equal(command.RequestId, entry.RequestId);
        Assert.Equal(command.TraceParent, entry.TraceParent);
        Assert.Equal(command.OriginNode, entry.OriginNode);
        // The sequencer's clock (Redis TIME, or this process's) on this machine: within seconds of ours.
        Assert.InRange(entry.SequencedAtUnixMs, before - 5_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5_000);
    }

    [Fact]
    public async Task A_repeated_request_is_answered_with_its_earlier_sequence_numbers_and_appends_nothing()
    {
        var log = NewLog();
        AppendCommand[] request = [Commands.Put("a", "1"), Commands.Put("b", "1")];
        await log.AppendAsync([request]);
        await log.AppendAsync([[Commands.Put("c", "1")]]);

        // The node retries its request (its answer was lost) in a call with another node's new request.
        var retried = await log.AppendAsync([request, [Commands.Put("d", "1")]]);

        Assert.Equal([new AppendOutcome(1, true), new AppendOutcome(2, true), new AppendOutcome(4, false)], retried);
        Assert.Equal(["a", "b", "c", "d"], (await log.ReadAfterAsync(0, 100)).Select(e => e.Key));
        Assert.Equal(4, await log.ReadHeadAsync());
    }

    [Fact]
    public async Task A_command_whose_idempotency_key_was_sequenced_gets_the_earlier_seq_and_is_not_appended()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("k", "first") with { IdempotencyKey = "idem-1" }]]);

        // A client's retry through another node: a new request, the same Idempotency-Key.
        var retry = await log.AppendAsync([[Commands.Put("k", "second") with { IdempotencyKey = "idem-1" }, Commands.Put("other", "x")]]);
        // One key in two requests of one call: the first is sequenced, the second is its duplicate.
        var sameCall = await log.AppendAsync([
            [Commands.Put("x", "1") with { IdempotencyKey = "idem-2" }],
            [Commands.Put("y", "1") with { IdempotencyKey = "idem-2" }],
        ]);

        Assert.Equal([new AppendOutcome(1, true), new AppendOutcome(2, false)], retry);
        Assert.Equal([new AppendOutcome(3, false), new AppendOutcome(3, true)], sameCall);
        var entries = await log.ReadAfterAsync(0, 100);
        Assert.Equal(["k", "other", "x"], entries.Select(e => e.Key));
        Assert.Equal("first", Encoding.UTF8.GetString(entries[0].Value.Span));
    }

    [Fact]
    public async Task Reading_after_a_seq_returns_only_later_entries_in_order_and_at_most_as_many_as_asked()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("k1", "1"), Commands.Put("k2", "2"), Commands.Put("k3", "3")]]);
        await log.AppendAsync([[Commands.Put("k4", "4"), Commands.Put("k5", "5")]]);

        Assert.Equal([3L, 4], (await log.ReadAfterAsync(2, 2)).Select(e => e.Seq));
        Assert.Equal([4L, 5], (await log.ReadAfterAsync(3, 100)).Select(e => e.Seq));
        Assert.Equal([1L], (await log.ReadAfterAsync(0, 1)).Select(e => e.Seq));
        Assert.Empty(await log.ReadAfterAsync(5, 100));
        Assert.Empty(await log.ReadAfterAsync(50, 100));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAfterAsync(0, 0));
    }

    [Fact]
    public async Task Entries_carry_a_chain_a_reader_verifies_from_the_start_and_from_where_it_stopped()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Delete("a")]]);
        await log.AppendAsync([[Commands.Put("b", new string('v', 5000))]]);

        var all = await log.ReadAfterAsync(0, 100);
        string previous = "";
        foreach (var entry in all)
        {
            Assert.True(ChainHash.Continues(previous, entry), $"entry {entry.Seq} does not continue the chain");
            previous = entry.ChainHash;
        }
        // A reader that stopped at 2 continues from the hash it kept; one that applied another history does not.
        var rest = await log.ReadAfterAsync(2, 100);
        Assert.True(ChainHash.Continues(all[1].ChainHash, rest[0]));
        Assert.False(ChainHash.Continues(all[0].ChainHash, rest[0]));
    }

    [Fact]
    public async Task A_wait_returns_true_soon_after_another_process_appends()
    {
        var log = NewLog();
        var elsewhere = SameLogElsewhere(log);
        await elsewhere.AppendAsync([[Commands.Put("a", "1")]]);
        Assert.Single(await log.ReadAfterAsync(0, 10));

        var waiting = log.WaitForEntriesAfterAsync(1, TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        await elsewhere.AppendAsync([[Commands.Put("b", "2")]]);

        Assert.True(await waiting, "the append of seq 2 did not wake a wait that had begun before it");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Prompt);
        Assert.True(log.AnnouncedHead >= 2, $"announced head {log.AnnouncedHead} after the append of 2 was waited for");
    }

    [Fact]
    public async Task A_wait_returns_false_after_its_longest_wait_when_nothing_is_appended()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("a", "1")]]);
        Assert.Single(await log.ReadAfterAsync(0, 10));
        var clock = Stopwatch.StartNew();

        bool woken = await log.WaitForEntriesAfterAsync(1, TimeSpan.FromMilliseconds(300));

        Assert.False(woken);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_wait_after_a_seq_this_process_has_read_past_returns_at_once()
    {
        var log = NewLog();
        await SameLogElsewhere(log).AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2")]]);
        Assert.Equal(2, (await log.ReadAfterAsync(0, 10)).Count);

        var waiting = log.WaitForEntriesAfterAsync(1, TimeSpan.FromSeconds(10));

        Assert.True(waiting.IsCompletedSuccessfully, "a wait for what was already read did not return at once");
        Assert.True(await waiting);
    }

    [Fact]
    public async Task A_wait_after_a_seq_the_log_already_holds_entries_beyond_returns_at_once()
    {
        var log = NewLog();
        // Appended by another process before this one looked at the log at all (a node starting on a busy log).
        await SameLogElsewhere(log).AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2")]]);
        var clock = Stopwatch.StartNew();

        bool woken = await log.WaitForEntriesAfterAsync(1, TimeSpan.FromSeconds(2));

        Assert.True(woken, "a wait after seq 1 on a log holding seq 2 ran out its longest wait");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Prompt);
    }

    [Fact]
    public async Task Head_and_extent_follow_appends_and_trims()
    {
        var log = NewLog();
        Assert.Equal(0, await log.ReadHeadAsync());
        Assert.Equal(new LogExtent(0, 1, 0), await log.ReadExtentAsync());

        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2"), Commands.Put("c", "3"), Commands.Put("d", "4")]]);
        Assert.Equal(4, await log.ReadHeadAsync());
        Assert.Equal(new LogExtent(4, 1, 4), await log.ReadExtentAsync());

        await CheckpointAtAsync(log, 2, Snapshot(seed: 1));
        await log.TrimAsync(3);
        Assert.Equal(4, await log.ReadHeadAsync());
        Assert.Equal(new LogExtent(4, 3, 2), await log.ReadExtentAsync());

        await CheckpointAtAsync(log, 4, Snapshot(seed: 2));
        await log.TrimAsync(5);
        Assert.Equal(new LogExtent(4, 5, 0), await log.ReadExtentAsync());
        // Emptied by trimming, the log still counts on from its head.
        Assert.Equal([new AppendOutcome(5, false)], await log.AppendAsync([[Commands.Put("e", "5")]]));
        Assert.Equal(new LogExtent(5, 5, 1), await log.ReadExtentAsync());
    }

    [Fact]
    public async Task A_checkpoint_reads_back_as_written()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2"), Commands.Put("c", "3")]]);
        var chain = (await log.ReadAfterAsync(2, 1))[0].ChainHash;
        byte[] snapshot = Snapshot(seed: 3);
        Assert.Null(await log.ReadCheckpointAsync());

        var written = await log.WriteCheckpointAsync(3, chain, new MemoryStream(snapshot));

        Assert.Equal(3, written.Seq);
        Assert.Equal(chain, written.ChainHash);
        Assert.Equal(snapshot.Length, written.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(snapshot)), written.Sha256);
        Assert.Equal(written, await log.ReadCheckpointAsync());
        Assert.Equal(snapshot, await CopyAsync(log, written));
        var elsewhere = SameLogElsewhere(log);
        Assert.Equal(snapshot, await CopyAsync(elsewhere, (await elsewhere.ReadCheckpointAsync())!));
    }

    [Fact]
    public async Task A_checkpoint_at_or_before_the_published_one_is_refused_and_changes_nothing()
    {
        var log = NewLog();
        byte[] published = Snapshot(seed: 4);
        var manifest = await log.WriteCheckpointAsync(3, "chain-3", new MemoryStream(published));

        var same = await Assert.ThrowsAsync<CheckpointSupersededException>(
            () => log.WriteCheckpointAsync(3, "chain-3b", new MemoryStream(Snapshot(seed: 5))));
        var older = await Assert.ThrowsAsync<CheckpointSupersededException>(
            () => log.WriteCheckpointAsync(2, "chain-2", new MemoryStream(Snapshot(seed: 6))));

        Assert.Equal((3L, 3L), (same.AttemptedSeq, same.PublishedSeq));
        Assert.Equal((2L, 3L), (older.AttemptedSeq, older.PublishedSeq));
        Assert.Equal(manifest, await log.ReadCheckpointAsync());
        Assert.Equal(published, await CopyAsync(log, manifest));
    }

    [Fact]
    public async Task A_newer_checkpoint_replaces_the_older_one_whose_manifest_then_reads_no_more()
    {
        var log = NewLog();
        var older = await log.WriteCheckpointAsync(3, "chain-3", new MemoryStream(Snapshot(seed: 7)));
        byte[] newerBytes = Snapshot(seed: 8);

        var newer = await log.WriteCheckpointAsync(5, "chain-5", new MemoryStream(newerBytes));

        Assert.Equal(newer, await log.ReadCheckpointAsync());
        Assert.Equal(newerBytes, await CopyAsync(log, newer));
        // A reader holding the old manifest is told to read the manifest again, never handed other bytes.
        await Assert.ThrowsAnyAsync<CheckpointException>(() => CopyAsync(log, older));
    }

    [Fact]
    public async Task Nothing_is_trimmed_while_there_is_no_checkpoint()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2"), Commands.Put("c", "3")]]);

        var trimmed = await log.TrimAsync(3);

        Assert.Equal(new LogTrimResult(0, 0), trimmed);
        Assert.Equal([1L, 2, 3], (await log.ReadAfterAsync(0, 100)).Select(e => e.Seq));
    }

    [Fact]
    public async Task A_trim_never_passes_the_checkpoint_whatever_the_caller_asks()
    {
        var log = NewLog();
        await log.AppendAsync([[Commands.Put("a", "1"), Commands.Put("b", "2"), Commands.Put("c", "3")]]);
        await log.AppendAsync([[Commands.Put("d", "4"), Commands.Put("e", "5"), Commands.Put("f", "6")]]);
        await CheckpointAtAsync(log, 2, Snapshot(seed: 9));

        var capped = await log.TrimAsync(100);
        var again = await log.TrimAsync(100);
        var below = await log.TrimAsync(2);

        Assert.Equal(new LogTrimResult(3, 2), capped);
        Assert.Equal(new LogTrimResult(3, 0), again);
        Assert.Equal(new LogTrimResult(2, 0), below);
        Assert.Equal([3L, 4, 5, 6], (await log.ReadAfterAsync(0, 100)).Select(e => e.Seq));
        // A reader behind the trim point gets the first entry still held, and sees the gap itself.
        Assert.Equal(3, (await log.ReadAfterAsync(1, 1))[0].Seq);
    }

    private static async Task CheckpointAtAsync(IReplicatedLog log, long seq, byte[] snapshot)
    {
        var last = Assert.Single(await log.ReadAfterAsync(seq - 1, 1));
        Assert.Equal(seq, last.Seq);
        await log.WriteCheckpointAsync(seq, last.ChainHash, new MemoryStream(snapshot));
    }

    private static async Task<byte[]> CopyAsync(IReplicatedLog log, CheckpointManifest manifest)
    {
        using var copy = new MemoryStream();
        await log.CopyCheckpointToAsync(manifest, copy);
        return copy.ToArray();
    }

    // Checkpoint bytes are opaque to the log: any bytes do.
    private static byte[] Snapshot(int seed)
    {
        var bytes = new byte[3000 + seed];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
