using KvCluster.Log.Entries;
using KvCluster.Node.Transactions;

namespace KvCluster.Node.StateMachine;

/// <summary>Applying a transaction entry (docs/architecture.md §8.3).</summary>
public sealed partial class KvStateMachine
{
    /// <summary>
    /// Decides and runs the transaction in <paramref name="entry"/>'s value, under the apply lock like any entry: every
    /// compare is checked against the state before this seq; then the chosen branch runs in order, each operation seeing
    /// the state as the operations before it left it (a get after a put of its key reads that put). Every write is at the
    /// entry's seq, through <see cref="PutRecord"/> and <see cref="RemoveRecord"/>, so each key changed is one
    /// <see cref="KvChange"/> at that seq. An entry that does not decode, or carries a key, a precondition or a lease of
    /// its own, changes nothing and is <see cref="ApplyOutcome.TxnMalformed"/>: the same bytes give the same answer on
    /// every replica, and the tailer carries on.
    /// </summary>
    private ApplyResult ApplyTxn(LogEntry entry, ICollection<KvChange>? changes)
    {
        if (entry.Key.Length > 0 || entry.Precondition.Kind != PreconditionKind.None || entry.Lease.Length > 0)
            return new ApplyResult(ApplyOutcome.TxnMalformed, entry.Seq);
        Transaction transaction;
        try
        {
            transaction = TxnCodec.Decode(entry.Value);
        }
        catch (FormatException)
        {
            return new ApplyResult(ApplyOutcome.TxnMalformed, entry.Seq);
        }

        bool holds = true;
        foreach (var compare in transaction.Compare)
        {
            if (!CompareHolds(compare))
            {
                holds = false;
                break;
            }
        }

        var branch = holds ? transaction.Success : transaction.Failure;
        var results = new TxnOpResult[branch.Count];
        for (int i = 0; i < branch.Count; i++)
        {
            var op = branch[i];
            _records.TryGetValue(op.Key, out var current);
            switch (op.Kind)
            {
                case TxnOpKind.Put:
                    PutRecord(entry.Seq, op.Key, op.Value.Span, op.ContentType, current, changes);
                    results[i] = TxnOpResult.Put(op.Key, entry.Seq);
                    break;
                case TxnOpKind.Delete:
                    if (current is not null) RemoveRecord(entry.Seq, op.Key, current, "", changes);
                    results[i] = TxnOpResult.Delete(op.Key, deleted: current is not null);
                    break;
                default:
                    results[i] = TxnOpResult.Get(op.Key, current);
                    break;
            }
        }
        return new ApplyResult(holds ? ApplyOutcome.TxnSucceeded : ApplyOutcome.TxnFailed, entry.Seq, new TxnResult(holds, results));
    }

    private bool CompareHolds(TxnCompare compare)
    {
        _records.TryGetValue(compare.Key, out var current);
        return compare.Kind switch
        {
            TxnCompareKind.Version => compare.Version == (current?.Version ?? 0),
            TxnCompareKind.Exists => compare.Exists == current is not null,
            TxnCompareKind.Value => current is not null && current.Value.Span.SequenceEqual(compare.Value.Span),
            _ => false,
        };
    }
}

/// <summary>What a transaction did: whether its compares held, and one result per operation of the branch that ran.</summary>
public sealed record TxnResult(bool Succeeded, IReadOnlyList<TxnOpResult> Results);

/// <summary>
/// What one operation of a transaction did. A put: the key's new <see cref="Version"/> (the transaction's seq). A delete:
/// whether the key existed (<see cref="Hit"/>). A get: whether the key existed (<see cref="Hit"/>) and, when it did, its
/// version, content type and value as the branch had left it (the record's own immutable array, not a copy).
/// </summary>
public readonly record struct TxnOpResult(TxnOpKind Op, string Key, bool Hit, long Version, string ContentType, ReadOnlyMemory<byte> Value)
{
    public static TxnOpResult Put(string key, long version) => new(TxnOpKind.Put, key, true, version, "", ReadOnlyMemory<byte>.Empty);

    public static TxnOpResult Delete(string key, bool deleted) => new(TxnOpKind.Delete, key, deleted, 0, "", ReadOnlyMemory<byte>.Empty);

    public static TxnOpResult Get(string key, KvRecord? record) => record is null
        ? new(TxnOpKind.Get, key, false, 0, "", ReadOnlyMemory<byte>.Empty)
        : new(TxnOpKind.Get, key, true, record.Version, record.ContentType, record.Value);
}
