namespace KvCluster.Node.Watch;

/// <summary>Settings of watch streams, under "Kv:Watch" (env Kv__Watch__...). docs/architecture.md §8.1.</summary>
public sealed class WatchOptions
{
    public const string Section = "Kv:Watch";

    /// <summary>Most changes the node's change journal keeps for watchers (the newest ones).</summary>
    public int JournalMaxChanges { get; set; } = ChangeJournalLimits.Default.MaxChanges;

    /// <summary>Most bytes (keys and values) the change journal keeps; the oldest changes go first past it.</summary>
    public long JournalMaxBytes { get; set; } = ChangeJournalLimits.Default.MaxBytes;

    /// <summary>Watch streams this node serves at once; one more is refused with 503.</summary>
    public int MaxStreams { get; set; } = 1000;

    /// <summary>An idle stream gets a comment line this often, so proxies and clients see it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A stream whose client takes longer than this to take one write is cut off (a slow consumer).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public ChangeJournalLimits JournalLimits => new(JournalMaxChanges, JournalMaxBytes);

    /// <summary>True when every setting can be used (a zero heartbeat would spin, a zero limit refuse every stream).</summary>
    public bool IsValid() => JournalMaxChanges >= 1 && JournalMaxBytes >= 1 && MaxStreams >= 1
                             && HeartbeatInterval > TimeSpan.Zero && WriteTimeout > TimeSpan.Zero;
}
