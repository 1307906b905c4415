using KvCluster.Log;
using KvCluster.Log.InMemory;

namespace KvCluster.Tests.Log;

/// <summary>The log contract (ReplicatedLogContract.cs) for the in-memory log the in-process path tests run on.</summary>
public sealed class InMemoryReplicatedLogContractTests : ReplicatedLogContract
{
    protected override IReplicatedLog NewLog() => new InMemoryReplicatedLog();

    // Every part of a test's process shares the one instance: there is no other way to reach it.
    protected override IReplicatedLog SameLogElsewhere(IReplicatedLog log) => log;
}
