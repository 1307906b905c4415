using System.Text;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Watch;

namespace KvCluster.Tests.Watch;

public sealed class ChangeJournalTests
{
    private static KvChange Put(long seq, string key, int valueBytes = 1) =>
        new(seq, key, KvChangeKind.Put, seq, "text/plain", new byte[valueBytes]);

    private static ChangeJournal Journal(long position = 0, int maxChanges = 100, long maxBytes = 1 << 20) =>
        new(position, new ChangeJournalLimits(maxChanges, maxBytes));

    private static (JournalRead Read, List<KvChange> Changes) ReadFrom(ChangeJournal journal, long fromSeq, int max = 1000, long? generation = null)
    {
        var into = new List<KvChange>();
        var read = journal.Read(generation ?? journal.Current.Generation, fromSeq, max, into);
        return (read, into);
    }

    [Fact]
    public void A_read_returns_the_changes_from_its_seq_in_order_and_how_far_it_has_seen_including_seqs_without_changes()
    {
        var journal = Journal(position: 10);
        journal.Publish([Put(11, "a"), Put(12, "b")], throughSeq: 12);
        journal.Publish([], throughSeq: 14); // a failed precondition, a delete of nothing: no change, but the position moves
        journal.Publish([Put(15, "c")], throughSeq: 15);

        var (read, changes) = ReadFrom(journal, 12);

        Assert.Equal(JournalReadStatus.Read, read.Status);
        Assert.Equal([12L, 15L], changes.Select(c => c.Seq));
        Assert.Equal(15, read.Through);
        Assert.Equal(new JournalState(0, 15, 11), journal.Current);
        var afterEmpty = ReadFrom(journal, 13, max: 1);
        Assert.Equal([15L], afterEmpty.Changes.Select(c => c.Seq));
    }

    [Fact]
    public void A_start_after_the_position_reads_nothing_and_counts_as_seen_up_to_the_start()
    {
        var journal = Journal(position: 5);

        var (read, changes) = ReadFrom(journal, 20);

        Assert.Empty(changes);
        Assert.Equal(19, read.Through);
    }

    [Fact]
    public void Past_its_count_the_oldest_changes_go_and_a_reader_that_needed_them_fell_behind()
    {
        var journal = Journal(maxChanges: 4);
        for (long seq = 1; seq <= 6; seq++) journal.Publish([Put(seq, $"k{seq}")], seq);

        Assert.Equal(4, journal.Count);
        Assert.Equal(3, journal.OldestSeq);
        Assert.Equal(JournalReadStatus.FellBehind, ReadFrom(journal, 2).Read.Status);
        Assert.Equal([3L, 4, 5, 6], ReadFrom(journal, 3).Changes.Select(c => c.Seq));
    }

    [Fact]
    public void Past_its_bytes_the_oldest_changes_go()
    {
        var journal = Journal(maxBytes: 3 * 1200);
        for (long seq = 1; seq <= 10; seq++) journal.Publish([Put(seq, "k", valueBytes: 1000)], seq);

        Assert.InRange(journal.Count, 2, 3);
        Assert.Equal(11 - journal.Count, journal.OldestSeq);
    }

    [Fact]
    public void A_seq_whose_changes_were_only_partly_evicted_is_not_served()
    {
        var journal = Journal(maxChanges: 3);
        journal.Publish([Put(1, "a"), Put(1, "b"), Put(1, "c")], 1);
        journal.Publish([Put(2, "d")], 2); // evicts 1/a: seq 1 is incomplete now

        Assert.Equal(2, journal.OldestSeq);
        Assert.Equal(JournalReadStatus.FellBehind, ReadFrom(journal, 1).Read.Status);
        Assert.Equal(["d"], ReadFrom(journal, 2).Changes.Select(c => c.Key));
    }

    [Fact]
    public void A_read_never_ends_inside_a_seq()
    {
        var journal = Journal();
        journal.Publish([Put(1, "a"), Put(2, "b"), Put(2, "c"), Put(2, "d"), Put(3, "e")], 3);

        var (first, firstChanges) = ReadFrom(journal, 1, max: 2);
        var (second, secondChanges) = ReadFrom(journal, first.Through + 1, max: 2);

        Assert.Equal(["a", "b", "c", "d"], firstChanges.Select(c => c.Key));
        Assert.Equal(2, first.Through);
        Assert.Equal(["e"], secondChanges.Select(c => c.Key));
        Assert.Equal(3, second.Through);
    }

    [Fact]
    public void A_reset_forgets_everything_starts_at_the_new_position_and_tells_readers_of_before_why()
    {
        var journal = Journal(position: 0);
        journal.Publish([Put(1, "a"), Put(2, "b")], 2);
        long before = journal.Current.Generation;

        journal.Reset(500, "the hash chain is broken at seq 3");

        var stale = ReadFrom(journal, 3, generation: before).Read;
        Assert.Equal(JournalReadStatus.Reset, stale.Status);
        Assert.Equal("the hash chain is broken at seq 3", stale.Reason);
        Assert.Equal(0, journal.Count);
        Assert.Equal(500, journal.Position);
        Assert.Equal(501, journal.OldestSeq);
        Assert.Equal(JournalReadStatus.Read, ReadFrom(journal, 501).Read.Status);
    }

    [Fact]
    public void A_rebuilt_replica_resets_its_journal_at_the_rebuilt_position()
    {
        var replica = new ReplicaState(new KvStateMachine(), new ChangeJournalLimits(10, 1 << 20));
        replica.Changes.Publish([Put(1, "a")], 1);
        long generation = replica.Changes.Current.Generation;
        replica.MarkDiverged("the log head in Redis is 0");

        replica.ReplaceMachine(new KvStateMachine());

        Assert.Equal(JournalReadStatus.Reset, ReadFrom(replica.Changes, 2, generation: generation).Read.Status);
        Assert.Equal(1, replica.Changes.OldestSeq);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_when_changes_are_published_and_times_out_when_none_are()
    {
        var journal = Journal(position: 3);
        var state = journal.Current;

        Assert.False(await journal.WaitAsync(state.Generation, 3, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var waiting = journal.WaitAsync(state.Generation, 3, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        journal.Publish([Put(4, "a")], 4);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await journal.WaitAsync(state.Generation, 3, TimeSpan.FromSeconds(10), CancellationToken.None)); // already past
    }

    [Theory]
    [InlineData(100_000)] // room for everything: the reader gets every change exactly once, in order
    [InlineData(64)]      // a reader that falls behind skips to the oldest seq, never into the middle of one
    public async Task A_reader_following_a_concurrent_writer_sees_whole_seqs_in_log_order(int maxChanges)
    {
        const long lastSeq = 20_000;
        var journal = Journal(maxChanges: maxChanges, maxBytes: long.MaxValue);
        var writer = Task.Run(() =>
        {
            var batch = new List<KvChange>();
            for (long seq = 1; seq <= lastSeq; seq++)
            {
                // Seq n changes n % 3 keys (0: a seq with no change at all).
                for (int k = 0; k < seq % 3; k++) batch.Add(Put(seq, $"{seq}/{k}"));
                if (seq % 7 == 0 || seq == lastSeq)
                {
                    journal.Publish(batch, seq);
                    batch.Clear();
                }
            }
        });

        var received = new List<KvChange>();
        int fellBehind = 0;
        long delivered = 0;
        var buffer = new List<KvChange>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (delivered < lastSeq)
        {
            buffer.Clear();
            var read = journal.Read(0, delivered + 1, 50, buffer);
            if (read.Status == JournalReadStatus.FellBehind)
            {
                fellBehind++;
                delivered = journal.OldestSeq - 1;
                continue;
            }
            received.AddRange(buffer);
            delivered = read.Through;
            if (buffer.Count == 0) await journal.WaitAsync(0, delivered, TimeSpan.FromSeconds(1), deadline.Token);
        }
        await writer;

        var seqs = received.GroupBy(c => c.Seq).ToList();
        Assert.All(seqs, group => Assert.Equal(Enumerable.Range(0, (int)(group.Key % 3)).Select(k => $"{group.Key}/{k}"), group.Select(c => c.Key)));
        Assert.Equal(received.Select(c => c.Seq).Order(), received.Select(c => c.Seq));
        Assert.Equal(received.Count, received.Select(c => c.Key).Distinct().Count());
        if (maxChanges == 100_000)
        {
            Assert.Equal(0, fellBehind);
            Assert.Equal(Enumerable.Range(1, (int)lastSeq).Sum(seq => seq % 3), received.Count);
        }
    }
}
