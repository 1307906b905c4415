namespace KvCluster.Node.Transactions;

/// <summary>
/// Bounds on one transaction, from <c>Kv:Txn</c>: <see cref="MaxOperations"/> compares and operations of both branches
/// together (<c>Kv:Txn:MaxOperations</c>, default 128; more is 400), <see cref="MaxBytes"/> of the encoded transaction
/// (<c>Kv:Txn:MaxBytes</c>, default 1 MiB; more is 413), and each put's value within <c>Kv:MaxValueBytes</c> (413).
/// They bound requests only: a replica applies whatever transaction the log holds, whatever its own settings, so
/// replicas configured differently still apply alike.
/// </summary>
public sealed record TxnLimits(int MaxOperations, int MaxBytes, int MaxValueBytes)
{
    public const int DefaultMaxOperations = 128;
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>
    /// The JSON body may be larger than the transaction it encodes (base64 is 4/3 of its bytes, escapes more): up to twice
    /// <see cref="MaxBytes"/> plus 64 KiB is read; a larger body is 413 before it is read whole.
    /// </summary>
    public long RequestBodyBytes => 2L * MaxBytes + 64 * 1024;

    /// <summary>The limits under <c>Kv:Txn</c> of <paramref name="configuration"/>; a missing or non-positive setting takes its default.</summary>
    public static TxnLimits From(IConfiguration configuration, int maxValueBytes)
    {
        var section = configuration.GetSection("Kv:Txn");
        int maxOperations = section.GetValue<int?>("MaxOperations") is int operations and > 0 ? operations : DefaultMaxOperations;
        int maxBytes = section.GetValue<int?>("MaxBytes") is int bytes and > 0 ? bytes : DefaultMaxBytes;
        return new TxnLimits(maxOperations, maxBytes, maxValueBytes);
    }
}
