using System.Diagnostics;
using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Snapshots;

/// <summary>A snapshot restores the very same state: same digest, same answers to every later entry.</summary>
public sealed class StateMachineSnapshotTests
{
    private const long WindowMs = 2_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_random_state_restores_identically_and_then_behaves_identically(int seed)
    {
        var log = new RandomStates(seed, WindowMs);
        var original = log.Build(count: 3_000, keySpace: 300);

        var restored = RandomStates.Restore(RandomStates.SnapshotBytes(original), log.Window);

        Assert.Equal(original.ComputeDigest(), restored.ComputeDigest());
        Assert.Equal(original.AppliedSeq, restored.AppliedSeq);
        Assert.Equal(original.LastChainHash, restored.LastChainHash);
        Assert.NotEqual("", restored.LastChainHash);
        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(original.ValueBytes, restored.ValueBytes);
        Assert.Equal(original.List("", null, 10_000).Items, restored.List("", null, 10_000).Items);
        foreach (var item in original.List("", null, 10_000).Items)
        {
            Assert.True(original.TryGet(item.Key, out var before));
            Assert.True(restored.TryGet(item.Key, out var after));
            Assert.Equal(before.CreatedSeq, after.CreatedSeq);
            Assert.Equal(before.ContentType, after.ContentType);
            Assert.True(before.Value.Span.SequenceEqual(after.Value.Span));
        }

        // Idempotency records (and their expiry order), preconditions and log time carried over: the same
        // continuation gives the same result for every entry on both.
        foreach (var entry in log.Entries(count: 2_000, keySpace: 300))
        {
            Assert.Equal(original.Apply(entry), restored.Apply(entry));
        }
        Assert.Equal(original.ComputeDigest(), restored.ComputeDigest());
    }

    [Fact]
    public void A_retry_after_a_restore_gets_the_earlier_answer()
    {
        var machine = new KvStateMachine();
        var first = RandomStates.Put(1, "order-7", 10) with { IdempotencyKey = "retry-me" };
        var result = machine.Apply(first);

        var restored = RandomStates.Restore(RandomStates.SnapshotBytes(machine));

        Assert.True(restored.TryGetIdempotentReplay("retry-me", out var replay));
        Assert.Equal(new IdempotentReplay(1, result), replay);
        var retry = RandomStates.Put(2, "order-7", 99) with { IdempotencyKey = "retry-me" };
        Assert.Equal(result, restored.Apply(retry));
        Assert.True(restored.TryGet("order-7", out var record));
        Assert.Equal(10, record.Size); // the retry changed nothing
    }

    [Fact]
    public void An_empty_machine_round_trips()
    {
        var restored = RandomStates.Restore(RandomStates.SnapshotBytes(new KvStateMachine()));

        Assert.Equal(0, restored.AppliedSeq);
        Assert.Equal(0, restored.Count);
        Assert.Equal(new KvStateMachine().ComputeDigest(), restored.ComputeDigest());
    }

    [Fact]
    public void Values_larger_than_the_io_buffer_round_trip()
    {
        var machine = new KvStateMachine();
        machine.Apply(RandomStates.Put(1, "big", 1024 * 1024));
        machine.Apply(RandomStates.Put(2, "medium", 70_000));
        machine.Apply(RandomStates.Put(3, "small", 3));

        var restored = RandomStates.Restore(RandomStates.SnapshotBytes(machine));

        Assert.Equal(machine.ComputeDigest(), restored.ComputeDigest());
    }

    [Fact]
    public void The_header_names_the_seq_and_chain_hash_to_resume_from()
    {
        var log = new RandomStates(seed: 9, WindowMs);
        var machine = log.Build(count: 100, keySpace: 20);
        using var buffer = new MemoryStream();
        var written = machine.WriteSnapshot(buffer);

        buffer.Position = 0;
        var header = KvStateMachine.ReadSnapshotHeader(buffer);

        Assert.Equal(written, header);
        Assert.Equal(100, header.AppliedSeq);
        Assert.Equal(machine.LastChainHash, header.LastChainHash);
        Assert.Equal(machine.Count, header.EntryCount);
    }

    [Fact]
    public void Two_hundred_thousand_keys_round_trip_in_seconds()
    {
        const int Keys = 200_000;
        var machine = new KvStateMachine();
        for (int i = 1; i <= Keys; i++)
            machine.Apply(RandomStates.Put(i, $"user:{i:D8}", 100));

        var build = Stopwatch.StartNew();
        var digest = machine.ComputeDigest();
        build.Stop();
        var clock = Stopwatch.StartNew();
        string path = Path.Combine(Path.GetTempPath(), $"kvsnap-{Guid.NewGuid():N}");
        try
        {
            using (var file = File.Create(path))
                machine.WriteSnapshot(file);
            var written = clock.Elapsed;
            KvStateMachine restored;
            using (var file = File.OpenRead(path))
                restored = KvStateMachine.ReadSnapshot(file);
            clock.Stop();

            Assert.Equal(Keys, restored.Count);
            Assert.Equal(digest, restored.ComputeDigest());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"digest {build.ElapsedMilliseconds} ms " +
                $"write {written.TotalMilliseconds:0} ms + read {(clock.Elapsed - written).TotalMilliseconds:0} ms");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_snapshot_taken_while_entries_are_applied_is_the_state_at_one_seq()
    {
        var log = new RandomStates(seed: 11, WindowMs);
        var entries = log.Entries(count: 20_000, keySpace: 2_000).ToArray();
        var machine = new KvStateMachine(log.Window);
        foreach (var entry in entries.AsSpan(0, 5_000))
            machine.Apply(entry);

        var applying = Task.Run(() =>
        {
            foreach (var entry in entries.AsSpan(5_000))
                machine.Apply(entry);
        });
        var snapshots = new List<byte[]>();
        do
            snapshots.Add(RandomStates.SnapshotBytes(machine));
        while (!applying.IsCompleted);
        await applying;

        // Each snapshot must equal a replica that applied exactly up to the seq it claims.
        foreach (var snapshot in snapshots.Take(10))
        {
            var restored = RandomStates.Restore(snapshot, log.Window);
            var replica = new KvStateMachine(log.Window);
            foreach (var entry in entries.AsSpan(0, (int)restored.AppliedSeq))
                replica.Apply(entry);
            Assert.Equal(replica.ComputeDigest(), restored.ComputeDigest());
            Assert.Equal(replica.LastChainHash, restored.LastChainHash);
        }
    }
}
