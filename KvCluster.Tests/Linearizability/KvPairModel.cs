using System.Globalization;

namespace KvCluster.Tests.Linearizability;

/// <summary>Two keys' states: the keys k{2p} and k{2p+1} of pair p (<see cref="KvPairModel"/>).</summary>
public readonly record struct KvPairState(KvKeyState First, KvKeyState Second)
{
    public KvKeyState this[int slot] => slot == 0 ? First : Second;

    public KvPairState With(int slot, KvKeyState state) => slot == 0 ? this with { First = state } : this with { Second = state };

    public override string ToString() => $"({First}; {Second})";
}

/// <summary>
/// A request on a pair: one key's GET, PUT or DELETE (<see cref="Single"/>), a transaction over both (<see cref="Txn"/>),
/// or a lease's expiry (<see cref="Expiry"/>, which no client asked for and which answers nothing).
/// </summary>
public sealed record KvPairInput(KvInput? Single, TxnInput? Txn, LeaseExpiry? Expiry = null)
{
    public string Key => Single?.Key ?? Expiry?.Key ??
        Txn!.Compares.Select(compare => compare.Key).Concat(Txn.Success.Select(step => step.Key)).First();

    public override string ToString() => Single is not null ? $"{Single.Key}: {Single}" : Expiry is not null ? $"{Expiry.Key}: {Expiry}" : Txn!.ToString();
}

/// <summary>What a request answered; both null for a lease's expiry, which is seen by nobody.</summary>
public sealed record KvPairOutput(KvOutput? Single, TxnOutput? Txn)
{
    public static readonly KvPairOutput Expired = new(null, null);

    public override string ToString() => Single?.ToString() ?? Txn?.ToString() ?? "expired";
}

/// <summary>
/// The key-value API with transactions as a sequential specification, partitioned into pairs of keys: a workload's
/// transactions span the two keys of one pair, so a pair is the smallest independent sub-history. One key's requests
/// step <see cref="KvModel"/> on that key. A transaction is one point of log order (docs/architecture.md §8.3): its
/// seq follows every write before it on both keys; its compares decide the branch; its puts write at its seq, its
/// deletes remove at it, its gets read the state the branch has made so far. Like <see cref="KvModel"/> it accepts
/// any version consistent with log order, and keeps only a bound after a write with an unseen outcome.
/// </summary>
public sealed class KvPairModel : Model<KvPairState, KvPairInput, KvPairOutput>
{
    public static readonly KvPairModel Instance = new();

    public override KvPairState Init() => new(KvModel.Instance.Init(), KvModel.Instance.Init());

    public override IEnumerable<KvPairState> Step(KvPairState state, KvPairInput input, KvPairOutput output)
    {
        if (input.Expiry is { } expiry) return [Expire(state, expiry)];
        if (input.Single is { } single)
        {
            int slot = Slot(single.Key);
            return KvModel.Instance.Step(state[slot], single, output.Single!).Select(next => state.With(slot, next));
        }
        return StepTxn(state, input.Txn!, output.Txn!);
    }

    public override IEnumerable<KvPairState> StepUnknown(KvPairState state, KvPairInput input)
    {
        if (input.Expiry is { } expiry) return [Expire(state, expiry)];
        if (input.Single is { } single)
        {
            int slot = Slot(single.Key);
            return KvModel.Instance.StepUnknown(state[slot], single).Select(next => state.With(slot, next));
        }
        var txn = input.Txn!;
        var states = new List<KvPairState>(2);
        // Its seq is unseen but follows every write before it on either key.
        long bound = Math.Max(state.First.Version, state.Second.Version);
        if (txn.Compares.Any(compare => MayFail(state, compare))) states.Add(RunUnseen(state, txn.Failure, bound));
        if (txn.Compares.All(compare => MayHold(state, compare))) states.Add(RunUnseen(Held(state, txn.Compares), txn.Success, bound));
        return states;
    }

    public override bool IsReadOnly(KvPairInput input) => input.Single is { Operation: KvOperation.Get };

    public override IEnumerable<IReadOnlyList<Operation<KvPairInput, KvPairOutput>>> Partition(
        IReadOnlyList<Operation<KvPairInput, KvPairOutput>> history) =>
        history.GroupBy(operation => PartitionOf(operation.Input.Key), StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (IReadOnlyList<Operation<KvPairInput, KvPairOutput>>)group.ToList());

    public override string DescribePartition(IReadOnlyList<Operation<KvPairInput, KvPairOutput>> partition) =>
        partition.Count == 0 ? "empty" : PartitionOf(partition[0].Input.Key);

    public override string DescribeState(KvPairState state) => state.ToString();

    /// <summary>The partition of a key: "keys k2 and k3" for a workload key "k{n}" (pairs n / 2), else the key alone.</summary>
    public static string PartitionOf(string key) => Number(key) is int n
        ? $"keys {KeyOf(n / 2, 0)} and {KeyOf(n / 2, 1)}"
        : $"key \"{key}\"";

    /// <summary>Which of its pair's keys "k{n}" is (n % 2); a key outside the pairs is slot 0 of its own partition.</summary>
    public static int Slot(string key) => Number(key) is int n ? n % 2 : 0;

    /// <summary>The key in <paramref name="slot"/> of pair <paramref name="pair"/>.</summary>
    public static string KeyOf(int pair, int slot) => "k" + (2 * pair + slot).ToString(CultureInfo.InvariantCulture);

    private static int? Number(string key) =>
        key.Length > 1 && key[0] == 'k' && int.TryParse(key.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    private static KvPairState Expire(KvPairState state, LeaseExpiry expiry)
    {
        int slot = Slot(expiry.Key);
        return state.With(slot, expiry.Apply(state[slot]));
    }

    private static IEnumerable<KvPairState> StepTxn(KvPairState state, TxnInput txn, TxnOutput output)
    {
        // Log order: the transaction's seq follows the last write of both keys.
        if (output.Seq <= state.First.Version || output.Seq <= state.Second.Version) return [];
        bool possible = output.Succeeded
            ? txn.Compares.All(compare => MayHold(state, compare))
            : txn.Compares.Any(compare => MayFail(state, compare));
        if (!possible) return [];
        var branch = output.Succeeded ? txn.Success : txn.Failure;
        if (!output.Replayed && output.Results.Count != branch.Count) return [];

        var next = output.Succeeded ? Held(state, txn.Compares) : state;
        for (int i = 0; i < branch.Count; i++)
        {
            var step = branch[i];
            int slot = Slot(step.Key);
            var key = next[slot];
            switch (step.Operation)
            {
                case KvOperation.Put:
                    key = new KvKeyState(true, step.Value, output.Seq, true);
                    break;
                case KvOperation.Delete:
                    if (!output.Replayed && output.Results[i].Deleted != key.Exists) return [];
                    if (key.Exists) key = new KvKeyState(false, null, output.Seq, false);
                    break;
                default:
                    if (output.Replayed) break;
                    var read = output.Results[i];
                    if (read.Found != key.Exists) return [];
                    if (!read.Found) break;
                    if (read.Value != key.Value) return [];
                    if (key.Exact ? read.Version != key.Version : read.Version <= key.Version || read.Version >= output.Seq) return [];
                    key = key with { Version = read.Version, Exact = true };
                    break;
            }
            next = next.With(slot, key);
        }
        return [next];
    }

    /// <summary>A branch that ran at an unseen seq, greater than <paramref name="bound"/>: its writes leave only that bound.</summary>
    private static KvPairState RunUnseen(KvPairState state, IReadOnlyList<TxnStep> branch, long bound)
    {
        foreach (var step in branch)
        {
            int slot = Slot(step.Key);
            var key = state[slot];
            if (step.Operation == KvOperation.Put) state = state.With(slot, new KvKeyState(true, step.Value, bound, false));
            else if (step.Operation == KvOperation.Delete && key.Exists) state = state.With(slot, new KvKeyState(false, null, bound, false));
        }
        return state;
    }

    /// <summary>The state once every compare is known to have held: a version compare on an inexact version makes it exact.</summary>
    private static KvPairState Held(KvPairState state, IReadOnlyList<TxnCompare> compares)
    {
        foreach (var compare in compares)
        {
            int slot = Slot(compare.Key);
            var key = state[slot];
            if (compare.Kind == TxnCompareKind.Version && key.Exists && !key.Exact)
                state = state.With(slot, key with { Version = compare.Version, Exact = true });
        }
        return state;
    }

    // A key's version is 0 while it is absent (as the state machine compares it).
    private static bool MayHold(KvPairState state, TxnCompare compare)
    {
        var key = state[Slot(compare.Key)];
        return compare.Kind switch
        {
            TxnCompareKind.Exists => key.Exists == compare.Exists,
            TxnCompareKind.Value => key.Exists && key.Value == compare.Value,
            _ when !key.Exists => compare.Version == 0,
            _ when key.Exact => key.Version == compare.Version,
            _ => compare.Version > key.Version,
        };
    }

    private static bool MayFail(KvPairState state, TxnCompare compare)
    {
        var key = state[Slot(compare.Key)];
        return compare.Kind switch
        {
            TxnCompareKind.Exists => key.Exists != compare.Exists,
            TxnCompareKind.Value => !key.Exists || key.Value != compare.Value,
            _ when !key.Exists => compare.Version != 0,
            _ when key.Exact => key.Version != compare.Version,
            _ => true,
        };
    }
}
