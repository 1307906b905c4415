namespace KvCluster.AppHost.Local;

/// <summary>
/// What <see cref="LocalCluster"/> starts: Redis (unless <see cref="RedisConnection"/> is given), one coordinator
/// on <see cref="PortBase"/> and node-i on PortBase+i (DESIGN.md §5).
/// </summary>
public sealed record ClusterOptions
{
    public int Nodes { get; init; } = 3;
    public int PortBase { get; init; } = 5100;
    public int RedisPort { get; init; } = 6390;
    public string StateDirectory { get; init; } = ".kvcluster";
    /// <summary>StackExchange-format connection string of a Redis to use; null starts a private redis-server.</summary>
    public string? RedisConnection { get; init; }
    /// <summary>"always" or "everysec": the private redis-server's appendfsync.</summary>
    public string Fsync { get; init; } = "everysec";
    /// <summary>Wipe <see cref="StateDirectory"/> before starting.</summary>
    public bool Fresh { get; init; }
    /// <summary>How long the whole cluster (or one restarted child) may take to answer /health with 200.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Restart a child that exits on its own, with backoff.</summary>
    public bool RestartCrashedChildren { get; init; } = true;
    /// <summary>Added to every child's environment, after (so over) the standard variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Added to one child's environment, by child name ("node-1"), after <see cref="Environment"/> (e.g. a test's fault proxy).</summary>
    public Func<string, IReadOnlyDictionary<string, string>>? EnvironmentFor { get; init; }
    /// <summary>Where the node and coordinator binaries are; null finds them next to KvCluster.sln (env KVCLUSTER_BIN overrides).</summary>
    public string? BinariesRoot { get; init; }
    /// <summary>Each line a child prints, prefixed "[node-1] ", and the supervisor's own notices.</summary>
    public Action<string>? Output { get; init; }

    public static readonly IReadOnlyList<string> FsyncPolicies = ["always", "everysec"];

    /// <summary>Options for a test: loopback ports that are free now (room for a few added nodes), state under <paramref name="stateDirectory"/>.</summary>
    public static ClusterOptions ForTest(string stateDirectory, int nodes = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        const int roomForAddedNodes = 4;
        var portBase = PortAllocator.FindFreeRange(1 + nodes + roomForAddedNodes);
        return new ClusterOptions
        {
            Nodes = nodes,
            PortBase = portBase,
            RedisPort = PortAllocator.FindFreeRange(1),
            StateDirectory = stateDirectory,
        };
    }

    /// <summary>The first problem with these options, or null when they can be used.</summary>
    public string? Validate()
    {
        if (Nodes < 1) return $"--nodes must be at least 1 (got {Nodes}).";
        if (RedisConnection is null && RedisPort is < 1 or > 65535) return $"--redis-port must be between 1 and 65535 (got {RedisPort}).";
        if (ValidatePortLayout() is { } problem) return problem;
        if (!FsyncPolicies.Contains(Fsync)) return $"--fsync must be one of {string.Join(", ", FsyncPolicies)} (got '{Fsync}').";
        if (string.IsNullOrWhiteSpace(StateDirectory)) return "--state-dir must not be empty.";
        if (RedisConnection is not null && string.IsNullOrWhiteSpace(RedisConnection)) return "--redis must not be empty.";
        if (ReadyTimeout <= TimeSpan.Zero) return "ReadyTimeout must be positive.";
        return null;
    }

    /// <summary>Whether the coordinator, the nodes and Redis fit in the port space without sharing a port.</summary>
    public string? ValidatePortLayout()
    {
        if (PortBase < 1 || PortBase + Nodes > 65535)
            return $"--port-base {PortBase} leaves no room for the coordinator and {Nodes} nodes below port 65536.";
        if (RedisConnection is null && RedisPort >= PortBase && RedisPort <= PortBase + Nodes)
            return $"--redis-port {RedisPort} collides with the coordinator and node ports {PortBase}..{PortBase + Nodes}.";
        return null;
    }
}
