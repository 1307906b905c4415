using System.Globalization;
using System.Text;
using System.Text.Json;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Linearizability;
using Xunit.Abstractions;

namespace KvCluster.Tests.Jepsen;

/// <summary>What to run: which nemeses take turns, the workload, and where the history goes.</summary>
public sealed record JepsenRunOptions
{
    public IReadOnlyList<string> Nemeses { get; init; } = [];
    public WorkloadOptions Workload { get; init; } = new();
    public int Nodes { get; init; } = 3;
    /// <summary>Added to every child's environment (e.g. Kv__UnsafeSkipReadBarrier=true).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Where the JSON lines history is written; null: a new file under the temp directory.</summary>
    public string? HistoryDirectory { get; init; }
    public TimeSpan CheckTimeoutPerKey { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A run's numbers and findings.</summary>
public sealed record JepsenReport(JepsenRunOptions Options, WorkloadResult Result, CheckResult Linearizability, IReadOnlyList<Anomaly> Anomalies,
    string HistoryPath)
{
    public int Completed => Result.Operations.Count(op => op.Return is not null && op.Outcome is not (OperationOutcome.NoAnswer or OperationOutcome.Unknown));

    public int UnknownWrites => Result.Operations.Count(op => op.Kind != OperationKind.Get && op.Outcome == OperationOutcome.Unknown);

    public int RetriedWrites => Result.Operations.Count(op => op.Kind != OperationKind.Get && op.Attempts > 1);

    public string Summary()
    {
        string nemeses = Options.Nemeses.Count == 0 ? "none" : string.Join(",", Options.Nemeses);
        var faults = Result.Faults.GroupBy(fault => fault.Nemesis).Select(group => $"{group.Key} x{group.Count()}");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| nemeses | seed | seconds | operations | completed | retried writes | unknown writes | faults | anomalies | verdict |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {nemeses} | {Options.Workload.Seed} | {Result.Elapsed.TotalSeconds:0.0} | {Result.Operations.Count} | {Completed} | {RetriedWrites} | {UnknownWrites} | " +
            $"{Result.Faults.Count} ({string.Join(", ", faults)}) | {Anomalies.Count} | {Linearizability.Verdict} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"history: {HistoryPath}");
        foreach (var anomaly in Anomalies) text.AppendLine(anomaly.ToString());
        return text.ToString();
    }
}

/// <summary>
/// Starts a cluster wired for the chosen nemeses (fault proxies in front of node-1's links, appendfsync always when
/// Redis is restarted), runs the workload with the nemeses, heals, checks the history and saves it as JSON lines.
/// </summary>
public static class JepsenRun
{
    public const string KillNode = "kill-node";
    public const string KillCoordinator = "kill-coordinator";
    public const string PauseNode = "pause-node";
    public const string RestartRedis = "restart-redis";
    /// <summary>A fault proxy between node-1 and Redis.</summary>
    public const string RedisLink = "redis-link";
    /// <summary>A fault proxy between node-1 and the coordinator.</summary>
    public const string CoordinatorLink = "coordinator-link";

    public static readonly IReadOnlyList<string> AllNemeses = [KillNode, KillCoordinator, PauseNode, RestartRedis, RedisLink, CoordinatorLink];

    public static async Task<JepsenReport> RunAsync(ITestOutputHelper output, JepsenRunOptions options)
    {
        if (options.Nemeses.Except(AllNemeses).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown nemesis '{unknown}'; choose from {string.Join(", ", AllNemeses)}.", nameof(options));
        }
        var proxies = new List<FaultProxy>();
        try
        {
            FaultProxy? redisLink = null, coordinatorLink = null;
            await using var cluster = await TestCluster.StartAsync(output, options.Nodes, clusterOptions =>
            {
                var node1 = new Dictionary<string, string>(StringComparer.Ordinal);
                // node-1's connection string, through the proxy, needs Redis's password before the AppHost would generate it.
                string? redisPassword = null;
                if (options.Nemeses.Contains(RedisLink))
                {
                    redisLink = new FaultProxy(clusterOptions.RedisPort);
                    proxies.Add(redisLink);
                    redisPassword = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                    node1["ConnectionStrings__redis"] = $"127.0.0.1:{redisLink.Port},password={redisPassword}";
                }
                if (options.Nemeses.Contains(CoordinatorLink))
                {
                    coordinatorLink = new FaultProxy(clusterOptions.PortBase);
                    proxies.Add(coordinatorLink);
                    node1["services__coordinator__http__0"] = $"http://127.0.0.1:{coordinatorLink.Port}";
                }
                return clusterOptions with
                {
                    Fsync = options.Nemeses.Contains(RestartRedis) ? "always" : clusterOptions.Fsync,
                    RedisPassword = redisPassword,
                    Environment = options.Environment,
                    EnvironmentFor = name => name == "node-1" ? node1 : new Dictionary<string, string>(),
                };
            });

            await WarmUpAsync(cluster);
            var nemeses = options.Nemeses.Select(name => Create(name, cluster, redisLink, coordinatorLink)).ToList();
            var result = await WorkloadRunner.RunAsync([.. cluster.Nodes.Select(node => node.Url)], options.Workload, nemeses,
                line => WriteLine(output, line), cluster.AdminToken);
            var anomalies = HistoryChecks.Run(result, options.CheckTimeoutPerKey, out var linearizability);
            string path = await SaveAsync(options, result);
            var report = new JepsenReport(options, result, linearizability, anomalies, path);
            WriteLine(output, report.Summary());
            return report;
        }
        finally
        {
            foreach (var proxy in proxies) await proxy.DisposeAsync();
        }
    }

    /// <summary>A few writes and reads on every node first, so the run measures the cluster rather than JIT and connection setup.</summary>
    private static async Task WarmUpAsync(TestCluster cluster)
    {
        await Task.WhenAll(cluster.NodeClients.Select(async (client, index) =>
        {
            for (int i = 0; i < 20; i++)
            {
                string path = $"/v1/kv/warm-up-{index}";
                using var put = await client.PutAsync(path, new StringContent(i.ToString(CultureInfo.InvariantCulture)));
                Assert.True(put.IsSuccessStatusCode, $"warm-up write on node-{index + 1} answered {put.StatusCode}");
                using var get = await client.GetAsync(path);
                Assert.True(get.IsSuccessStatusCode, $"warm-up read on node-{index + 1} answered {get.StatusCode}");
            }
        }));
    }

    private static INemesis Create(string name, TestCluster cluster, FaultProxy? redisLink, FaultProxy? coordinatorLink) => name switch
    {
        KillNode => new KillNodeNemesis(cluster.Nodes),
        KillCoordinator => new KillCoordinatorNemesis(cluster.Coordinator),
        PauseNode => new PauseNodeNemesis(cluster.Nodes),
        RestartRedis => new RestartRedisNemesis(cluster.Redis!),
        RedisLink => new LinkFaultNemesis(RedisLink, "node-1<->redis", redisLink!, firstFault: 0),
        _ => new LinkFaultNemesis(CoordinatorLink, "node-1<->coordinator", coordinatorLink!, firstFault: 2),
    };

    /// <summary>Operations in call order, then the faults, one JSON object a line.</summary>
    private static async Task<string> SaveAsync(JepsenRunOptions options, WorkloadResult result)
    {
        string directory = options.HistoryDirectory ?? Path.Combine(Path.GetTempPath(), "kvcluster-jepsen");
        Directory.CreateDirectory(directory);
        string nemeses = options.Nemeses.Count == 0 ? "none" : string.Join("+", options.Nemeses);
        string path = Path.Combine(directory,
            $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{nemeses}-seed{options.Workload.Seed}-{Guid.NewGuid().ToString("N")[..6]}.jsonl");
        await using var writer = new StreamWriter(path);
        foreach (var op in result.Operations.OrderBy(op => op.Call)) await writer.WriteLineAsync(JsonSerializer.Serialize(op));
        foreach (var fault in result.Faults) await writer.WriteLineAsync(JsonSerializer.Serialize(fault));
        return path;
    }

    private static void WriteLine(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }
}
