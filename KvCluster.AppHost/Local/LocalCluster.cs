using System.Runtime.ExceptionServices;

namespace KvCluster.AppHost.Local;

/// <summary>
/// Redis, one coordinator and N nodes as child processes of this one (DESIGN.md §5): what `dotnet run` of the
/// AppHost starts, and what integration tests start through <c>await using</c>.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly ChildCommand _nodeCommand;
    private readonly ChildCommand _coordinatorCommand;
    private readonly IReadOnlyDictionary<string, string> _inheritedEnvironment = ChildEnvironment.Current();
    private readonly List<ChildService> _nodes = [];
    private readonly Lock _gate = new();
    private Task? _disposal;

    private LocalCluster(ClusterOptions options, string stateDirectory, RedisServerProcess? redis, ChildCommand node, ChildCommand coordinator)
    {
        Options = options;
        StateDirectory = stateDirectory;
        Redis = redis;
        RedisConnectionString = redis?.ConnectionString ?? options.RedisConnection!;
        _nodeCommand = node;
        _coordinatorCommand = coordinator;
        Coordinator = CreateChild(new ChildDefinition(
            ChildDefinition.CoordinatorName,
            ChildDefinition.LoopbackUrl(options.PortBase),
            Path.Combine(stateDirectory, ChildDefinition.CoordinatorName),
            IsNode: false));
    }

    public ClusterOptions Options { get; }

    /// <summary>Full path of the state directory: redis/, node-i/ and endpoints.json.</summary>
    public string StateDirectory { get; }

    public string EndpointsFilePath => Path.Combine(StateDirectory, EndpointsFile.FileName);

    /// <summary>StackExchange-format connection string the children were given.</summary>
    public string RedisConnectionString { get; }

    /// <summary>The private redis-server, or null when the cluster uses <see cref="ClusterOptions.RedisConnection"/>.</summary>
    public RedisServerProcess? Redis { get; }

    public ChildService Coordinator { get; }

    public IReadOnlyList<ChildService> Nodes
    {
        get
        {
            lock (_gate) return [.. _nodes];
        }
    }

    /// <summary>
    /// Starts Redis, the coordinator and the nodes, waits until every child answers /health (bounded by
    /// ReadyTimeout) and writes endpoints.json. If anything fails, everything started is stopped and the
    /// exception names the child and carries its last lines of output.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(ClusterOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        var stateDirectory = Path.GetFullPath(options.StateDirectory);

        // Find everything before touching anything, so a missing binary leaves the state and the machine as they were.
        var node = ClusterBinaries.Locate(ClusterBinaries.NodeProject, options.BinariesRoot);
        var coordinator = ClusterBinaries.Locate(ClusterBinaries.CoordinatorProject, options.BinariesRoot);
        var redis = options.RedisConnection is null ? CreateRedis(options, stateDirectory) : null;

        if (redis is not null)
        {
            await StaleRedisServer.StopAsync(redis.Options.DataDirectory, redis.Port, options.Output).ConfigureAwait(false);
        }
        if (options.Fresh) StateDirectoryWipe.Run(stateDirectory);
        Directory.CreateDirectory(stateDirectory);

        var cluster = new LocalCluster(options, stateDirectory, redis, node, coordinator);
        try
        {
            if (redis is not null) await redis.StartAsync(cancellationToken).ConfigureAwait(false);
            for (int i = 1; i <= options.Nodes; i++) cluster.CreateNode(i);
            await cluster.StartChildrenAsync(cancellationToken).ConfigureAwait(false);
            await cluster.WriteEndpointsFileAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts node N+1 on the next port, waits until it is ready and adds it to endpoints.json.</summary>
    public async Task<ChildService> AddNodeAsync(CancellationToken cancellationToken = default)
    {
        ChildService node;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposal is not null, this);
            node = CreateNode(_nodes.Count + 1);
        }
        try
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate) _nodes.Remove(node);
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await WriteEndpointsFileAsync().ConfigureAwait(false);
        return node;
    }

    /// <summary>Writes {state-dir}/endpoints.json for the current members.</summary>
    public Task WriteEndpointsFileAsync() =>
        EndpointsFile.WriteAsync(EndpointsFilePath, new ClusterEndpoints(
            RedisConnectionString,
            Coordinator.Url,
            [.. Nodes.Select(node => new NodeEndpoint(node.Name, node.Url))]));

    /// <summary>SIGTERM to every child (killed if still running after a few seconds), then Redis; removes endpoints.json.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate) _disposal ??= DisposeCoreAsync();
        return new ValueTask(_disposal);
    }

    private async Task DisposeCoreAsync()
    {
        ChildService[] children = [Coordinator, .. _nodes];
        // Before the first await: an exit from now on is the shutdown, not a crash to restart.
        foreach (var child in children) child.RequestStop();
        await Task.WhenAll(children.Select(child => child.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (Redis is not null) await Redis.DisposeAsync().ConfigureAwait(false);
        // The file describes a running cluster; a stale one would send tools to dead ports.
        if (File.Exists(EndpointsFilePath)) File.Delete(EndpointsFilePath);
    }

    private static RedisServerProcess CreateRedis(ClusterOptions options, string stateDirectory)
    {
        if (RedisServerProcess.FindExecutable() is null) throw new RedisServerNotFoundException();
        var directory = RedisDirectory(stateDirectory);
        var redis = new RedisServerProcess(new RedisServerOptions
        {
            Port = options.RedisPort,
            DataDirectory = directory,
            AppendFsync = options.Fsync,
            StartTimeout = options.ReadyTimeout,
            ExtraArguments = ["--pidfile", Path.Combine(directory, StaleRedisServer.PidFileName)],
        });
        if (options.Output is { } output)
        {
            redis.OutputLine += line =>
            {
                try
                {
                    output("[redis] " + line);
                }
                catch (InvalidOperationException)
                {
                    // A test's output helper refuses lines once its test has finished.
                }
            };
        }
        return redis;
    }

    private static string RedisDirectory(string stateDirectory) => Path.Combine(stateDirectory, "redis");

    private async Task StartChildrenAsync(CancellationToken cancellationToken)
    {
        ChildService[] children = [Coordinator, .. Nodes];
        // One child that cannot start fails the whole start at once, rather than after everyone's timeout.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var starts = children.Select(async child =>
        {
            try
            {
                await child.StartAsync(failFast.Token).ConfigureAwait(false);
            }
            catch
            {
                await failFast.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToArray();

        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            var failures = starts.Where(start => start.IsFaulted)
                .Select(start => start.Exception!.InnerException)
                .OfType<ChildNotReadyException>()
                .ToArray();
            if (failures.Length == 1) ExceptionDispatchInfo.Throw(failures[0]);
            if (failures.Length > 1) throw new ChildNotReadyException(failures);
            throw;
        }
    }

    private ChildService CreateNode(int index)
    {
        int port = Options.PortBase + index;
        if (port > 65535) throw new InvalidOperationException($"No port left for node-{index} above --port-base {Options.PortBase}.");
        var node = CreateChild(new ChildDefinition(
            ChildDefinition.NodeName(index),
            ChildDefinition.LoopbackUrl(port),
            Path.Combine(StateDirectory, ChildDefinition.NodeName(index)),
            IsNode: true));
        lock (_gate) _nodes.Add(node);
        return node;
    }

    private IReadOnlyDictionary<string, string> ExtraEnvironment(string childName)
    {
        if (Options.EnvironmentFor?.Invoke(childName) is not { Count: > 0 } own) return Options.Environment;
        var merged = new Dictionary<string, string>(Options.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in own) merged[name] = value;
        return merged;
    }

    private ChildService CreateChild(ChildDefinition definition)
    {
        Directory.CreateDirectory(definition.DataDirectory);
        var environment = ChildEnvironment.Build(
            definition,
            RedisConnectionString,
            ChildDefinition.LoopbackUrl(Options.PortBase),
            Environment.ProcessId,
            _inheritedEnvironment,
            ExtraEnvironment(definition.Name));
        return new ChildService(definition, definition.IsNode ? _nodeCommand : _coordinatorCommand, environment, Options);
    }
}
