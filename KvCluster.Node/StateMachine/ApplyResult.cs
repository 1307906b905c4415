namespace KvCluster.Node.StateMachine;

/// <summary>
/// The result of one applied entry. <paramref name="Version"/> is the entry's seq for
/// Created/Updated/Deleted, 0 for NotFound, and the key's current version (0 when absent) for
/// PreconditionFailed, so a 412 can tell the client what it raced against.
/// </summary>
public readonly record struct ApplyResult(ApplyOutcome Outcome, long Version)
{
    public bool Succeeded => Outcome is ApplyOutcome.Created or ApplyOutcome.Updated or ApplyOutcome.Deleted;
}
