namespace KvCluster.Node.Transactions;

/// <summary>
/// A multi-key transaction as it travels in one log entry (<see cref="TxnCodec"/>): when every compare holds at apply
/// time, <see cref="Success"/> runs, in order; otherwise <see cref="Failure"/> (docs/architecture.md §8.3).
/// </summary>
public sealed record Transaction(IReadOnlyList<TxnCompare> Compare, IReadOnlyList<TxnOp> Success, IReadOnlyList<TxnOp> Failure)
{
    /// <summary>Compares and operations of both branches together: what <c>Kv:Txn:MaxOperations</c> bounds.</summary>
    public int OperationCount => Compare.Count + Success.Count + Failure.Count;
}

/// <summary>What a compare tests of its key.</summary>
public enum TxnCompareKind : byte
{
    /// <summary>The key is at <see cref="TxnCompare.Version"/> (0: the key does not exist).</summary>
    Version = 1,
    /// <summary>The key exists, or does not (<see cref="TxnCompare.Exists"/>).</summary>
    Exists = 2,
    /// <summary>The key exists and its value is byte for byte <see cref="TxnCompare.Value"/>.</summary>
    Value = 3,
}

/// <summary>One condition on one key; only the field its <see cref="Kind"/> names is used.</summary>
public sealed record TxnCompare(string Key, TxnCompareKind Kind)
{
    public long Version { get; init; }
    public bool Exists { get; init; }
    public ReadOnlyMemory<byte> Value { get; init; }

    public static TxnCompare VersionIs(string key, long version) => new(key, TxnCompareKind.Version) { Version = version };
    public static TxnCompare ExistsIs(string key, bool exists) => new(key, TxnCompareKind.Exists) { Exists = exists };
    public static TxnCompare ValueIs(string key, ReadOnlyMemory<byte> value) => new(key, TxnCompareKind.Value) { Value = value };
}

/// <summary>What an operation of a branch does.</summary>
public enum TxnOpKind : byte
{
    Put = 1,
    Delete = 2,
    Get = 3,
}

/// <summary>One operation of a branch; <see cref="Value"/> and <see cref="ContentType"/> only for a put.</summary>
public sealed record TxnOp(TxnOpKind Kind, string Key)
{
    public ReadOnlyMemory<byte> Value { get; init; }
    public string ContentType { get; init; } = "";

    public static TxnOp Put(string key, ReadOnlyMemory<byte> value, string contentType = "") =>
        new(TxnOpKind.Put, key) { Value = value, ContentType = contentType };
    public static TxnOp Delete(string key) => new(TxnOpKind.Delete, key);
    public static TxnOp Get(string key) => new(TxnOpKind.Get, key);
}
