using System.Diagnostics;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Bench.Memory;

/// <summary>
/// Applies N puts of distinct keys to a node's <see cref="KvStateMachine"/>, in this process, and measures the
/// managed heap it then holds (GC.GetTotalMemory after a full collection, before and after). The parts are
/// measured by building each alone: key strings, value arrays, records; the rest is the dictionary and the
/// ordered key index.
/// </summary>
public static class MemoryProbe
{
    public const string ContentType = "application/octet-stream";

    public static MemoryReport Measure(int keyCount, int valueSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(valueSize);
        var value = new byte[valueSize];
        new Random(7).NextBytes(value);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var machine = new KvStateMachine();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < keyCount; i++)
        {
            machine.Apply(new LogEntry
            {
                Seq = i + 1,
                Operation = LogOperation.Put,
                Key = KeyName(i),
                Value = value,
                ContentType = ContentType,
                SequencedAtUnixMs = 1,
            });
        }
        double applySeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(machine);

        double keys = PerItem(keyCount, KeyName);
        // The state machine copies each value into an array of exactly its length.
        double values = PerItem(keyCount, _ => value.AsSpan().ToArray());
        // Records over an empty value (a shared empty array), so only the record object is counted.
        double records = PerItem(keyCount, i => new KvRecord(ReadOnlySpan<byte>.Empty, ContentType, i, i));
        double perKey = (double)heap / keyCount;
        return new MemoryReport
        {
            Keys = keyCount,
            ValueSize = valueSize,
            KeyLength = KeyName(0).Length,
            HeapBytes = heap,
            BytesPerKey = Math.Round(perKey, 1),
            OverheadPerKey = Math.Round(perKey - valueSize, 1),
            Breakdown = new Dictionary<string, double>
            {
                ["value byte[] (header + length + padding included)"] = Math.Round(values, 1),
                ["key string"] = Math.Round(keys, 1),
                ["KvRecord object"] = Math.Round(records, 1),
                ["dictionary entry + buckets + ordered key index (the rest)"] = Math.Round(perKey - values - keys - records, 1),
            },
            ApplySeconds = Math.Round(applySeconds, 3),
        };
    }

    /// <summary>Keys like the bench's: "bench-00000042".</summary>
    public static string KeyName(int index) => $"bench-{index:D8}";

    /// <summary>Heap bytes per item of <paramref name="count"/> items made by <paramref name="make"/> and kept alive, not counting the array that holds them.</summary>
    private static double PerItem<T>(int count, Func<int, T> make) where T : class
    {
        var items = new T[count];
        long withArray = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < count; i++) items[i] = make(i);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(items);
        return (double)(after - withArray) / count;
    }
}
