using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Replication;

/// <summary>How a write ended, as the API maps it to HTTP.</summary>
public abstract record WriteOutcome
{
    /// <summary>Sequenced and applied here; <see cref="Result"/> is what the state machine decided.</summary>
    public sealed record Applied(long Seq, ApplyResult Result) : WriteOutcome;

    /// <summary>Refused before anything was appended (this node is too far behind, or diverged).</summary>
    public sealed record Refused(string Reason) : WriteOutcome;

    /// <summary>The log could not be reached or did not answer in time: the write may or may not have happened.</summary>
    public sealed record Unavailable(string Reason) : WriteOutcome;
}
