using KvCluster.Log.Entries;

namespace KvCluster.Node.Replication;

/// <summary>
/// What an endpoint asks <see cref="WriteProposer"/> to put in the log; the proposer adds the request id, the
/// traceparent and this node's id. <see cref="Key"/> is the key, the lease id of a lease entry, or "" for a transaction.
/// </summary>
public sealed record ProposedWrite(LogOperation Operation, string Key)
{
    public ReadOnlyMemory<byte> Value { get; init; }
    public string ContentType { get; init; } = "";
    public Precondition Precondition { get; init; } = Precondition.None;
    public string IdempotencyKey { get; init; } = "";
    /// <summary>The lease a put attaches its key to, or "".</summary>
    public string Lease { get; init; } = "";
}
