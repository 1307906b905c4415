namespace KvCluster.Log.Redis;

/// <summary>How long the sequencer remembers what it appended, so that retries are recognised.</summary>
public sealed record RedisLogOptions
{
    /// <summary>A client's Idempotency-Key is answered with its first result for this long.</summary>
    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>A node's append request (its batch's request id) is recognised as a retry for this long.</summary>
    public TimeSpan RequestIdRetention { get; init; } = TimeSpan.FromMinutes(10);
}
