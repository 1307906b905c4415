namespace KvCluster.AppHost.Local;

/// <summary>One service of the cluster: the coordinator or node-i, where it listens and keeps its data.</summary>
public sealed record ChildDefinition(string Name, Uri Url, string DataDirectory, bool IsNode)
{
    public const string CoordinatorName = "coordinator";

    public static string NodeName(int index) => $"node-{index}";

    public static Uri LoopbackUrl(int port) => new($"http://127.0.0.1:{port}");
}
