using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Snapshots;

/// <summary>
/// Random but reproducible logs: puts and deletes over a small key space (so keys are replaced, deleted and
/// recreated), preconditions, reused idempotency keys, several content types, time jumps past the idempotency
/// window, and a chain hash per entry.
/// </summary>
internal sealed class RandomStates(int seed, long windowMs, int largeValueBytes = 3000)
{
    private static readonly string[] ContentTypes = ["", "text/plain", "application/json", "image/x-custom; q=1"];

    private readonly Random _random = new(seed);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _seq;
    private long _nowMs = 1_700_000_000_000;
    private string _chain = "";

    public TimeSpan Window => TimeSpan.FromMilliseconds(windowMs);

    public IEnumerable<LogEntry> Entries(int count, int keySpace)
    {
        for (int i = 0; i < count; i++)
            yield return Next(keySpace);
    }

    /// <summary>A machine with <paramref name="count"/> random entries applied.</summary>
    public KvStateMachine Build(int count, int keySpace)
    {
        var machine = new KvStateMachine(Window);
        foreach (var entry in Entries(count, keySpace))
            machine.Apply(entry);
        return machine;
    }

    private LogEntry Next(int keySpace)
    {
        _nowMs += _random.Next(10) switch
        {
            0 => windowMs, // past the window: earlier idempotency records expire
            1 => -500,     // the sequencer clock stepped back; log time must not
            _ => _random.Next(50),
        };
        // Keys of varied length and some non-ASCII, so ordinal order and UTF-8 lengths are exercised.
        string key = _random.Next(8) == 0 ? $"clé-{_random.Next(keySpace)}-ü" : $"k{_random.Next(keySpace)}";
        bool isPut = _random.Next(4) != 0;
        _versions.TryGetValue(key, out long version);
        var precondition = _random.Next(6) switch
        {
            0 => Precondition.MustNotExist,
            1 => Precondition.VersionMatches(version),
            2 => Precondition.VersionMatches(version + 1),
            _ => Precondition.None,
        };
        string idempotencyKey = _random.Next(3) == 0 ? $"req-{_random.Next(20)}" : "";
        var value = new byte[_random.Next(4) == 0 ? _random.Next(0, largeValueBytes + 1) : _random.Next(0, 40)];
        _random.NextBytes(value);

        var entry = new LogEntry
        {
            Seq = ++_seq,
            Operation = isPut ? LogOperation.Put : LogOperation.Delete,
            Key = key,
            Value = isPut ? value : ReadOnlyMemory<byte>.Empty,
            ContentType = isPut ? ContentTypes[_random.Next(ContentTypes.Length)] : "",
            Precondition = precondition,
            IdempotencyKey = idempotencyKey,
            SequencedAtUnixMs = _nowMs,
        };
        entry = entry with { ChainHash = ChainHash.Next(_chain, entry) };
        _chain = entry.ChainHash;
        if (isPut) _versions[key] = _seq; else _versions.Remove(key);
        return entry;
    }

    public static byte[] SnapshotBytes(KvStateMachine machine)
    {
        using var buffer = new MemoryStream();
        machine.WriteSnapshot(buffer);
        return buffer.ToArray();
    }

    public static KvStateMachine Restore(byte[] snapshot, TimeSpan? window = null) =>
        KvStateMachine.ReadSnapshot(new MemoryStream(snapshot), window);

    public static LogEntry Put(long seq, string key, int valueBytes, long nowMs = 1_700_000_000_000) => new()
    {
        Seq = seq,
        Operation = LogOperation.Put,
        Key = key,
        Value = Encoding.ASCII.GetBytes(new string('v', valueBytes)),
        ContentType = "application/octet-stream",
        SequencedAtUnixMs = nowMs,
    };
}
