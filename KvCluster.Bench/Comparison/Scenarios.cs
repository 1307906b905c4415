namespace KvCluster.Bench.Comparison;

/// <summary>The workloads scripts/bench.sh runs on every system, by the names the reports carry.</summary>
public static class Scenarios
{
    public const string Write = "write";
    public const string ReadLinearizable = "read-linearizable";
    public const string ReadLocal = "read-local";
    public const string Mixed = "mixed-90-10";
    public const string Trivial = "trivial";

    public static readonly IReadOnlyList<string> Compared = [Write, ReadLinearizable, ReadLocal, Mixed];

    /// <summary>The systems in the order tables and charts show them.</summary>
    public static readonly IReadOnlyList<string> Systems = ["kvcluster", "etcd", "redis"];

    public static string DisplayName(string system) => system switch
    {
        "kvcluster" => "KvCluster",
        "etcd" => "etcd",
        "redis" => "Redis",
        "trivial" => "trivial endpoint",
        _ => system,
    };

    public static string SizeName(int bytes) => bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} B";
}
