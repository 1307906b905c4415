namespace KvCluster.Tests.Integration;

/// <summary>
/// Tests that start whole clusters run one after another: on a 2-core machine, several clusters at once
/// would mostly measure CPU contention.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Clusters";
}
