using System.CommandLine;
using System.CommandLine.Parsing;

namespace KvCluster.AppHost.Local;

/// <summary>The AppHost's options (DESIGN.md §5), parsed into <see cref="ClusterOptions"/>.</summary>
public sealed class AppHostCommandLine
{
    private static readonly ClusterOptions Defaults = new();

    private readonly Option<int> _nodes = new("--nodes")
    {
        Description = "How many nodes to run",
        DefaultValueFactory = _ => Defaults.Nodes,
    };
    private readonly Option<int> _portBase = new("--port-base")
    {
        Description = "The coordinator's port; node-i listens on port-base + i",
        DefaultValueFactory = _ => Defaults.PortBase,
    };
    private readonly Option<int> _redisPort = new("--redis-port")
    {
        Description = "Port of the private redis-server (loopback only)",
        DefaultValueFactory = _ => Defaults.RedisPort,
    };
    private readonly Option<string> _stateDirectory = new("--state-dir")
    {
        Description = "Where Redis and the nodes keep their data, and endpoints.json is written",
        DefaultValueFactory = _ => Defaults.StateDirectory,
    };
    private readonly Option<string?> _redis = new("--redis")
    {
        Description = "Use this Redis (StackExchange format, host:port,password=...) instead of starting one",
    };
    private readonly Option<string> _fsync = new("--fsync")
    {
        Description = "appendfsync of the private redis-server: always loses no acknowledged write, everysec up to ~1 s",
        DefaultValueFactory = _ => Defaults.Fsync,
    };
    private readonly Option<bool> _fresh = new("--fresh")
    {
        Description = "Delete the state directory first",
    };
    private readonly Option<bool> _verbose = new("--verbose")
    {
        Description = "Show every line the children print, not only warnings and errors",
    };

    public AppHostCommandLine()
    {
        _nodes.Validators.Add(result => RequireAtLeast(result, _nodes, 1));
        _portBase.Validators.Add(result => RequirePort(result, _portBase));
        _redisPort.Validators.Add(result => RequirePort(result, _redisPort));
        _fsync.AcceptOnlyFromAmong([.. ClusterOptions.FsyncPolicies]);
        _stateDirectory.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>())) result.AddError("--state-dir must not be empty.");
        });

        Command = new RootCommand("Runs KvCluster locally: redis-server, one coordinator and N nodes, supervised until Ctrl+C.")
        {
            _nodes, _portBase, _redisPort, _stateDirectory, _redis, _fsync, _fresh, _verbose,
        };
        // What no single option can check: the ports of the whole cluster together.
        Command.Validators.Add(result =>
        {
            ClusterOptions options;
            try
            {
                options = ToOptions(result);
            }
            catch (InvalidOperationException)
            {
                return; // An option that did not parse has reported its own error.
            }
            // Values out of range have reported their own error.
            if (options.Nodes < 1 || options.PortBase is < 1 or > 65535 || options.RedisPort is < 1 or > 65535) return;
            if (options.ValidatePortLayout() is { } problem) result.AddError(problem);
        });
    }

    public RootCommand Command { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Command.Parse(args);

    public ClusterOptions ToOptions(ParseResult result) => ToOptions(result.CommandResult);

    public bool IsVerbose(ParseResult result) => result.GetValue(_verbose);

    /// <summary>Parses <paramref name="args"/> and runs the cluster in this console until Ctrl+C or SIGTERM.</summary>
    public static Task<int> InvokeAsync(string[] args)
    {
        var commandLine = new AppHostCommandLine();
        commandLine.Command.SetAction((result, _) =>
            ClusterConsole.RunAsync(commandLine.ToOptions(result), commandLine.IsVerbose(result), Console.Out, Console.Error));
        // The cluster handles SIGINT/SIGTERM itself: stopping children takes longer than System.CommandLine's grace period.
        return commandLine.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private ClusterOptions ToOptions(SymbolResult result) => new()
    {
        Nodes = ValueOrDefault(result, _nodes, Defaults.Nodes),
        PortBase = ValueOrDefault(result, _portBase, Defaults.PortBase),
        RedisPort = ValueOrDefault(result, _redisPort, Defaults.RedisPort),
        StateDirectory = ValueOrDefault(result, _stateDirectory, Defaults.StateDirectory) ?? Defaults.StateDirectory,
        RedisConnection = ValueOrDefault(result, _redis, null),
        Fsync = ValueOrDefault(result, _fsync, Defaults.Fsync) ?? Defaults.Fsync,
        Fresh = ValueOrDefault(result, _fresh, false),
    };

    // A command's validator runs before omitted options get their default values: there GetValue gives default(T).
    private static T ValueOrDefault<T>(SymbolResult result, Option<T> option, T defaultValue) =>
        result.GetResult(option) is null ? defaultValue : result.GetValue(option)!;

    private static void RequireAtLeast(OptionResult result, Option<int> option, int minimum)
    {
        if (result.GetValueOrDefault<int>() < minimum) result.AddError($"{option.Name} must be at least {minimum}.");
    }

    private static void RequirePort(OptionResult result, Option<int> option)
    {
        int port = result.GetValueOrDefault<int>();
        if (port is < 1 or > 65535) result.AddError($"{option.Name} must be a port between 1 and 65535 (got {port}).");
    }
}
