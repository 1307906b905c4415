namespace KvCluster.Client;

/// <summary>
/// A transaction for <see cref="IKvClient.TransactAsync"/>: when every <see cref="Compare"/> holds, the
/// <see cref="Success"/> operations run, otherwise the <see cref="Failure"/> ones; all at one seq, atomically, on every node.
/// </summary>
/// <example>
/// <code>
/// var txn = new KvTxn()
///     .If(KvCompare.VersionIs("acct/alice", 41), KvCompare.VersionIs("acct/bob", 42))
///     .Then(KvTxnOp.PutString("acct/alice", "90"), KvTxnOp.PutString("acct/bob", "15"))
///     .Else(KvTxnOp.Get("acct/alice"), KvTxnOp.Get("acct/bob"));
/// </code>
/// </example>
public sealed class KvTxn
{
    /// <summary>The conditions, all of which must hold for <see cref="Success"/> to run.</summary>
    public IList<KvCompare> Compare { get; } = [];

    /// <summary>What runs when every compare holds, in order. A branch may write a key once.</summary>
    public IList<KvTxnOp> Success { get; } = [];

    /// <summary>What runs otherwise, in order.</summary>
    public IList<KvTxnOp> Failure { get; } = [];

    /// <summary>Adds conditions.</summary>
    /// <param name="compares">Conditions on keys.</param>
    /// <returns>This transaction.</returns>
    public KvTxn If(params IEnumerable<KvCompare> compares) => Add(Compare, compares);

    /// <summary>Adds operations to the branch that runs when every condition holds.</summary>
    /// <param name="ops">Puts, deletes and gets.</param>
    /// <returns>This transaction.</returns>
    public KvTxn Then(params IEnumerable<KvTxnOp> ops) => Add(Success, ops);

    /// <summary>Adds operations to the branch that runs when a condition does not hold.</summary>
    /// <param name="ops">Puts, deletes and gets.</param>
    /// <returns>This transaction.</returns>
    public KvTxn Else(params IEnumerable<KvTxnOp> ops) => Add(Failure, ops);

    private KvTxn Add<T>(IList<T> list, IEnumerable<T> items)
    {
        foreach (var item in items) list.Add(item ?? throw new ArgumentException("A transaction's compares and operations cannot be null."));
        return this;
    }
}
