namespace KvCluster.Client;

/// <summary>What a change did to its key.</summary>
public enum KvChangeOp
{
    /// <summary>The key was written.</summary>
    Put,

    /// <summary>The key was deleted (by a delete, a transaction, or the end of its lease: see <see cref="KvChange.Cause"/>).</summary>
    Delete,
}

/// <summary>One change seen by <see cref="IKvClient.WatchAsync"/>. A transaction or a lease's end changes several keys at one <see cref="Seq"/>.</summary>
public sealed record KvChange
{
    /// <summary>The change's position in the log: the same on every node. Watch again from <c>Seq + 1</c> to go on after it.</summary>
    public required long Seq { get; init; }

    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>Put or delete.</summary>
    public required KvChangeOp Op { get; init; }

    /// <summary>The value written by a put; empty for a delete.</summary>
    public ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The content type the value was written with; empty when none, and for a delete.</summary>
    public string ContentType { get; init; } = "";

    /// <summary>The key's version after a put; the deleting seq for a delete.</summary>
    public required long Version { get; init; }

    /// <summary>Why a key was deleted when it was not by a write: <c>lease-expired</c> or <c>lease-revoked</c>; null otherwise.</summary>
    public string? Cause { get; init; }
}
