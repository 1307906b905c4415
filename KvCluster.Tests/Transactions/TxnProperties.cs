using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KvCluster.Log.Entries;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Transactions;

namespace KvCluster.Tests.Transactions;

/// <summary>
/// Random logs of puts, deletes and transactions over a few keys, checked against a plain dictionary model that runs a
/// transaction the simplest way (compares, then the branch in order) and against a second replica.
/// </summary>
public sealed class TxnProperties
{
    private static readonly string[] KeySpace = ["a", "b", "c"];
    private static readonly string[] Values = ["", "0", "1", "x"];
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly Gen<TxnCompare> Compares =
        from kind in Gen.Elements(TxnCompareKind.Version, TxnCompareKind.Exists, TxnCompareKind.Value)
        from key in Gen.Elements(KeySpace)
        from version in Gen.Choose(0, 6)
        from exists in Gen.Elements(true, false)
        from value in Gen.Elements(Values)
        select new TxnCompare(key, kind) { Version = version, Exists = exists, Value = Encoding.UTF8.GetBytes(value) };

    private static readonly Gen<TxnOp> Ops =
        from kind in Gen.Elements(TxnOpKind.Put, TxnOpKind.Delete, TxnOpKind.Get)
        from key in Gen.Elements(KeySpace)
        from value in Gen.Elements(Values)
        select kind == TxnOpKind.Put ? TxnOp.Put(key, Encoding.UTF8.GetBytes(value), "text/plain") : new TxnOp(kind, key);

    // A step is a plain put (0), delete (1) or a transaction (2..4), on the model's terms.
    private static readonly Gen<(int Kind, string Key, string Value, Transaction Txn)> Steps =
        from kind in Gen.Choose(0, 4)
        from key in Gen.Elements(KeySpace)
        from value in Gen.Elements(Values)
        from compares in Gen.Choose(0, 3).SelectMany(n => Compares.ArrayOf(n))
        from success in Gen.Choose(0, 4).SelectMany(n => Ops.ArrayOf(n))
        from failure in Gen.Choose(0, 3).SelectMany(n => Ops.ArrayOf(n))
        select (kind, key, value, new Transaction(compares, success, failure));

    [Fact]
    public void Transactions_do_what_a_dictionary_running_them_one_step_at_a_time_does_and_replicas_agree()
    {
        Check.One(Config, Prop.ForAll(Steps.ListOf().ToArbitrary(), steps =>
        {
            var log = new TxnLog();
            var machine = new KvStateMachine();
            var replica = new KvStateMachine();
            var model = new Dictionary<string, (long Version, string Value)>(StringComparer.Ordinal);
            foreach (var step in steps)
            {
                long seq = log.NextSeq;
                var entry = step.Kind switch
                {
                    0 => log.Put(step.Key, step.Value),
                    1 => log.Delete(step.Key),
                    _ => log.Txn(step.Txn),
                };
                var result = machine.Apply(entry);
                Assert.Equal(result.Outcome, replica.Apply(entry).Outcome);
                switch (step.Kind)
                {
                    case 0: model[step.Key] = (seq, step.Value); break;
                    case 1: model.Remove(step.Key); break;
                    default: Assert.Equal(RunInModel(model, step.Txn, seq), Describe(result)); break;
                }
            }
            foreach (string key in KeySpace)
            {
                string expected = model.TryGetValue(key, out var held) ? $"{held.Version}:{held.Value}" : "absent";
                string actual = machine.TryGet(key, out var record) ? $"{record.Version}:{Encoding.UTF8.GetString(record.Value.Span)}" : "absent";
                Assert.Equal(expected, actual);
            }
            Assert.Equal(machine.ComputeDigest(), replica.ComputeDigest());
        }));
    }

    private static string RunInModel(Dictionary<string, (long Version, string Value)> model, Transaction txn, long seq)
    {
        bool holds = txn.Compare.All(compare =>
        {
            bool exists = model.TryGetValue(compare.Key, out var held);
            return compare.Kind switch
            {
                TxnCompareKind.Version => compare.Version == (exists ? held.Version : 0),
                TxnCompareKind.Exists => compare.Exists == exists,
                _ => exists && held.Value == Encoding.UTF8.GetString(compare.Value.Span),
            };
        });
        var results = new List<string>();
        foreach (var op in holds ? txn.Success : txn.Failure)
        {
            bool exists = model.TryGetValue(op.Key, out var held);
            switch (op.Kind)
            {
                case TxnOpKind.Put:
                    model[op.Key] = (seq, Encoding.UTF8.GetString(op.Value.Span));
                    results.Add($"put {op.Key} {seq}");
                    break;
                case TxnOpKind.Delete:
                    model.Remove(op.Key);
                    results.Add($"delete {op.Key} {exists}");
                    break;
                default:
                    results.Add(exists ? $"get {op.Key} {held.Version}:{held.Value}" : $"get {op.Key} absent");
                    break;
            }
        }
        return $"{holds}: {string.Join(", ", results)}";
    }

    private static string Describe(ApplyResult result) =>
        $"{result.Txn!.Succeeded}: " + string.Join(", ", result.Txn.Results.Select(r => r.Op switch
        {
            TxnOpKind.Put => $"put {r.Key} {r.Version}",
            TxnOpKind.Delete => $"delete {r.Key} {r.Hit}",
            _ => r.Hit ? $"get {r.Key} {r.Version}:{Encoding.UTF8.GetString(r.Value.Span)}" : $"get {r.Key} absent",
        }));
}
