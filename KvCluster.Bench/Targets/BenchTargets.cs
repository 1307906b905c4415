using KvCluster.Bench.Workload;

namespace KvCluster.Bench.Targets;

public static class BenchTargets
{
    /// <summary>
    /// The target of <paramref name="kind"/> at <paramref name="endpoints"/>: base URLs of the nodes, members or
    /// servers, or for Redis one connection string ("127.0.0.1:6379").
    /// </summary>
    public static async Task<IBenchTarget> CreateAsync(
        TargetKind kind, IReadOnlyList<string> endpoints, KeySpace keys, WorkloadOptions workload, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(endpoints.Count);
        return kind switch
        {
            TargetKind.KvCluster => new KvClusterTarget(Urls(endpoints), keys, workload.Connections, workload.Consistency),
            TargetKind.Etcd => new EtcdTarget(Urls(endpoints), keys, workload.Connections, workload.Consistency),
            TargetKind.Redis => await RedisTarget.ConnectAsync(endpoints[0], keys, cancellationToken).ConfigureAwait(false),
            TargetKind.Trivial => new TrivialTarget(Urls(endpoints), workload.Connections, workload.ValueSize),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static Uri[] Urls(IReadOnlyList<string> endpoints) => [.. endpoints.Select(BaseUrl)];

    /// <summary>
    /// <paramref name="endpoint"/> as a base URL ending in '/': without it, combining it with a relative path would
    /// drop its last path segment.
    /// </summary>
    public static Uri BaseUrl(string endpoint) => new(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute);
}
