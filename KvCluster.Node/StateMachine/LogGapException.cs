namespace KvCluster.Node.StateMachine;

/// <summary>
/// An entry arrived out of order: the state machine applies only <c>AppliedSeq + 1</c>. Thrown before
/// anything changes, so the caller can re-read the log from <see cref="Expected"/>.
/// </summary>
public sealed class LogGapException(long expected, long actual)
    : Exception($"Log entry {actual} cannot be applied: the next entry must be {expected}.")
{
    /// <summary>The seq that would have been applied (AppliedSeq + 1).</summary>
    public long Expected { get; } = expected;

    /// <summary>The seq the entry carried.</summary>
    public long Actual { get; } = actual;
}
