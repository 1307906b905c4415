namespace KvCluster.Tests.Linearizability;

/// <summary>
/// A sequential specification, in the shape of Porcupine's model.go: an initial state and a pure step function.
/// Step may allow several next states (a nondeterministic model); the checker tracks the set of them.
/// </summary>
public abstract class Model<TState, TInput, TOutput>
{
    public abstract TState Init();

    /// <summary>
    /// Every state the system may be in after <paramref name="input"/> answered <paramref name="output"/> in
    /// <paramref name="state"/>; empty when that answer is impossible there. Never mutates <paramref name="state"/>.
    /// </summary>
    public abstract IEnumerable<TState> Step(TState state, TInput input, TOutput output);

    /// <summary>
    /// Every state the system may be in after <paramref name="input"/> took effect in <paramref name="state"/>
    /// with an answer nobody saw (a timeout, a reset connection). "Never took effect" needs no state here: the
    /// checker may always place such an operation after everything else.
    /// </summary>
    public abstract IEnumerable<TState> StepUnknown(TState state, TInput input);

    public virtual bool Equal(TState left, TState right) => EqualityComparer<TState>.Default.Equals(left, right);

    public virtual int Hash(TState state) => state is null ? 0 : EqualityComparer<TState>.Default.GetHashCode(state);

    /// <summary>Independent sub-histories (e.g. one per key), checked one by one.</summary>
    public virtual IEnumerable<IReadOnlyList<Operation<TInput, TOutput>>> Partition(IReadOnlyList<Operation<TInput, TOutput>> history) =>
        [history];

    /// <summary>A name for a partition in reports, e.g. the key.</summary>
    public virtual string DescribePartition(IReadOnlyList<Operation<TInput, TOutput>> partition) => "history";

    /// <summary>Whether the operation only observes (a read): removing it from a linearizable history keeps it linearizable.</summary>
    public virtual bool IsReadOnly(TInput input) => false;

    public virtual string DescribeOperation(TInput input, TOutput? output, bool unknown) =>
        unknown ? $"{input} -> ?" : $"{input} -> {output}";

    public virtual string DescribeState(TState state) => state?.ToString() ?? "null";
}
