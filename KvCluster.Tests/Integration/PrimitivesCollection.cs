namespace KvCluster.Tests.Integration;

/// <summary>
/// The classes that share <see cref="PrimitivesCluster"/>. Not run in parallel with any other collection, as
/// <see cref="ClusterCollection"/> is not: a cluster's tests beside another cluster would mostly measure CPU contention.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PrimitivesCollection : ICollectionFixture<PrimitivesCluster>
{
    public const string Name = "Coordination primitives cluster";
}
