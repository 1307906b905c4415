using System.Buffers.Binary;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Transactions;

namespace KvCluster.Tests.Transactions;

/// <summary>
/// A reader on another thread never sees part of a transaction: once it has read one key as a transaction left it,
/// a later read of another key the transaction wrote shows that transaction or a later one (KvStateMachine.WholeEntries.cs).
/// </summary>
public sealed class WholeTransactionReadTests
{
    [Fact]
    public async Task A_reader_that_saw_a_transactions_first_key_sees_its_second()
    {
        const int ReadsWanted = 20_000;
        // Many keys before the pair, so a transaction's two writes are far enough apart for a reader to fall between.
        string[] keys = [.. Enumerable.Range(0, 32).Select(i => $"k{i:D2}")];
        var machine = new KvStateMachine();
        var log = new TxnLog();
        using var stop = new CancellationTokenSource();

        int reads = 0;
        var reader = Task.Run(() =>
        {
            int torn = 0;
            while (!stop.IsCancellationRequested)
            {
                long first = Read(machine, keys[0]);
                long last = Read(machine, keys[^1]);
                Interlocked.Increment(ref reads);
                if (last < first) torn++;
            }
            return torn;
        });

        // Transactions until the reader has read enough pairs while they were applied (bounded in count).
        for (int i = 1; i <= 2_000_000 && Volatile.Read(ref reads) < ReadsWanted; i++)
        {
            var counter = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(counter, i);
            machine.Apply(log.Txn(TxnLog.When([], [.. keys.Select(key => TxnOp.Put(key, counter))])));
        }
        await stop.CancelAsync();
        int tornReads = await reader;

        Assert.True(reads >= ReadsWanted, $"the reader read only {reads} pairs while transactions were applied");
        Assert.Equal(0, tornReads);
    }

    private static long Read(KvStateMachine machine, string key) =>
        machine.TryGet(key, out var record) ? BinaryPrimitives.ReadInt64LittleEndian(record.Value.Span) : 0;
}
