using System.Collections.Concurrent;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

public sealed class ConcurrentReadTests
{
    private const int Entries = 100_000;
    private const int KeyCount = 64;

    [Fact]
    public async Task Readers_during_apply_see_whole_records_that_never_go_backwards_and_never_throw()
    {
        var machine = new KvStateMachine();
        using var writerDone = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        using var readersStarted = new CountdownEvent(2);
        int readsWhileApplying = 0;

        var readers = Enumerable.Range(0, 2).Select(readerId => Task.Run(() =>
        {
            var random = new Random(readerId);
            var lastVersion = new long[KeyCount];
            long lastApplied = 0;
            readersStarted.Signal();
            while (!writerDone.IsCancellationRequested && failures.IsEmpty)
            {
                try
                {
                    long applied = machine.AppliedSeq;
                    if (applied < lastApplied)
                        failures.Enqueue($"AppliedSeq went back from {lastApplied} to {applied}");
                    lastApplied = applied;

                    int keyIndex = random.Next(KeyCount);
                    if (machine.TryGet(KeyOf(keyIndex), out var record))
                    {
                        if (!IsWhole(record))
                            failures.Enqueue($"torn record at version {record.Version}");
                        if (record.Version < lastVersion[keyIndex])
                            failures.Enqueue($"{KeyOf(keyIndex)} went back from {lastVersion[keyIndex]} to {record.Version}");
                        lastVersion[keyIndex] = record.Version;
                    }

                    var page = machine.List("key/", after: KeyOf(random.Next(KeyCount)), limit: 5);
                    for (int i = 1; i < page.Items.Count; i++)
                    {
                        if (string.CompareOrdinal(page.Items[i - 1].Key, page.Items[i].Key) >= 0)
                            failures.Enqueue("a page is out of order");
                    }
                    if (page.Items.Any(item => item.Size != SizeFor(item.Version)))
                        failures.Enqueue("a listed size does not belong to its version");
                    if (applied > 0 && machine.AppliedSeq < Entries)
                        Interlocked.Increment(ref readsWhileApplying);
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception.ToString());
                }
            }
        })).ToArray();

        var writer = Task.Run(() =>
        {
            try
            {
                // Start only once both readers run, so reads overlap the writes.
                if (!readersStarted.Wait(TimeSpan.FromSeconds(30)))
                    throw new TimeoutException("the readers did not start");
                var random = new Random(7);
                for (long seq = 1; seq <= Entries && failures.IsEmpty; seq++)
                {
                    string key = KeyOf(random.Next(KeyCount));
                    machine.Apply(random.Next(5) == 0
                        ? new LogEntry { Seq = seq, Operation = LogOperation.Delete, Key = key }
                        : new LogEntry
                        {
                            Seq = seq,
                            Operation = LogOperation.Put,
                            Key = key,
                            Value = ValueFor(seq),
                            ContentType = ContentTypeFor(seq),
                        });
                }
            }
            finally
            {
                writerDone.Cancel();
            }
        });

        await Task.WhenAll([writer, .. readers]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(failures);
        Assert.Equal(Entries, machine.AppliedSeq);
        Assert.True(readsWhileApplying > 0, "no read overlapped the writes");
    }

    private static string KeyOf(int index) => $"key/{index:D3}";

    // Every field of a record is derived from its version, so a mix of two writes shows.
    private static int SizeFor(long version) => 1 + (int)(version % 97);

    private static byte[] ValueFor(long version) => Enumerable.Repeat((byte)(version % 251), SizeFor(version)).ToArray();

    private static string ContentTypeFor(long version) => $"application/x-{version % 13}";

    private static bool IsWhole(KvRecord record) =>
        record.Value.Span.SequenceEqual(ValueFor(record.Version))
        && record.ContentType == ContentTypeFor(record.Version)
        && record.CreatedSeq <= record.Version;
}
