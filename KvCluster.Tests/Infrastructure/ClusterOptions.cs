using KvCluster.Hosting;
using KvCluster.Bench.Ports;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// What a test cluster is started with: the AppHost's own flags (docs/architecture.md §5), plus environment
/// variables for the services (a test's fault proxy, faster snapshots).
/// </summary>
public sealed record ClusterOptions
{
    public int Nodes { get; init; } = 3;
    /// <summary>Nodes modelled but not started: <see cref="TestCluster.AddNodeAsync"/> starts the next one.</summary>
    public int SpareNodes { get; init; } = 2;
    public required int PortBase { get; init; }
    public required int RedisPort { get; init; }
    public required string StateDirectory { get; init; }
    /// <summary>A Redis to use instead of the private one (--redis).</summary>
    public string? RedisConnection { get; init; }
    /// <summary>Prefix of every Redis key (--key-prefix); null leaves the services' default, <c>{kv}:</c>.</summary>
    public string? KeyPrefix { get; init; }
    /// <summary>A PEM CA certificate the services trust for Redis's TLS (--redis-ca-file).</summary>
    public string? RedisCaFile { get; init; }
    public string Fsync { get; init; } = "everysec";
    /// <summary>
    /// Client tokens required, with a generated admin token (--auth): <see cref="TestCluster"/>'s clients send it, so a
    /// test written for an open cluster runs on this one unchanged.
    /// </summary>
    public bool Auth { get; init; }
    /// <summary>A JSON file of client tokens the services load (--token-file); the clients send none of them.</summary>
    public string? TokenFile { get; init; }
    /// <summary>
    /// The private Redis's password, pinned (<c>Parameters:redis-password</c>) for a test that must know it before the
    /// cluster starts (a proxy's connection string); null lets the AppHost generate one, as for users.
    /// </summary>
    public string? RedisPassword { get; init; }
    public bool Fresh { get; init; }
    /// <summary>How long the cluster, or one service started again, may take to become healthy.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// Whether starting waits until every service answers /health with 200. Off, for a Redis the cluster cannot use:
    /// starting returns once every service runs, and the nodes do not wait for the coordinator to be healthy.
    /// </summary>
    public bool WaitUntilHealthy { get; init; } = true;
    /// <summary>Added to every service's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Added to one service's environment, by id ("node-1", "coordinator"), after <see cref="Environment"/>.</summary>
    public Func<string, IReadOnlyDictionary<string, string>>? EnvironmentFor { get; init; }

    /// <summary>Loopback ports that are free now, and a new temporary state directory.</summary>
    public static ClusterOptions ForTest(int nodes = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        var options = new ClusterOptions
        {
            Nodes = nodes,
            PortBase = 0,
            RedisPort = PortAllocator.FindFreeRange(1),
            StateDirectory = Path.Combine(Path.GetTempPath(), "kvcluster-tests", Guid.NewGuid().ToString("N")[..12]),
        };
        return options with { PortBase = PortAllocator.FindFreeRange(1 + nodes + options.SpareNodes) };
    }

    /// <summary>The AppHost's command line for these options.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string>
        {
            "--nodes", Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--spare-nodes", SpareNodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--port-base", PortBase.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--redis-port", RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--state-dir", StateDirectory,
            "--fsync", Fsync,
            // The tests' machines have no container runtime; where one exists, the tests still kill and pause redis-server.
            "--redis-mode", "executable",
            "--no-dashboard",
        };
        if (RedisConnection is not null) args.AddRange(["--redis", RedisConnection]);
        if (KeyPrefix is not null) args.AddRange(["--key-prefix", KeyPrefix]);
        if (RedisCaFile is not null) args.AddRange(["--redis-ca-file", RedisCaFile]);
        if (Auth) args.Add("--auth");
        if (TokenFile is not null) args.AddRange(["--token-file", TokenFile]);
        if (RedisPassword is not null) args.Add($"--Parameters:{ClusterSecrets.RedisPasswordParameter}={RedisPassword}");
        if (Fresh) args.Add("--fresh");
        return args;
    }
}
