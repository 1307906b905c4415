namespace KvCluster.Tests.Jepsen;

/// <summary>Something that breaks the cluster for a while and then repairs it (Jepsen's nemesis).</summary>
public interface INemesis
{
    string Name { get; }

    /// <summary>Breaks something chosen with <paramref name="random"/>; returns what (e.g. "node-2").</summary>
    Task<string> InjectAsync(Random random, CancellationToken cancellationToken);

    /// <summary>Repairs what <see cref="InjectAsync"/> broke and waits until it serves again.</summary>
    Task HealAsync(CancellationToken cancellationToken);
}
