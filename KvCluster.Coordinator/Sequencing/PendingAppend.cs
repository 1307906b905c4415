using System.Diagnostics;
using KvCluster.Log.Entries;

namespace KvCluster.Coordinator.Sequencing;

/// <summary>One append request waiting for its batch: its commands and where to report their sequence numbers.</summary>
internal sealed class PendingAppend(IReadOnlyList<AppendCommand> commands)
{
    public IReadOnlyList<AppendCommand> Commands { get; } = commands;

    public TaskCompletionSource<AppendOutcome[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The span of the request that is waiting (default when it is not traced), for the batch span to refer to.</summary>
    public ActivityContext RequestContext { get; init; }
}
