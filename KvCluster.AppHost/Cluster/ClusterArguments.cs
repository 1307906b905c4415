using KvCluster.Hosting;

namespace KvCluster.AppHost.Cluster;

/// <summary>
/// The AppHost's flags (<c>--nodes 5</c>, <c>--fresh</c>) turned into the configuration keys they stand for
/// (<c>--Kv:Nodes=5</c>), so that flags, <c>--Kv:Nodes 5</c> and <c>Kv__Nodes=5</c> are one setting.
/// Aspire's own arguments (azd's <c>--publisher manifest --output-path …</c>) pass through unchanged.
/// </summary>
public static class ClusterArguments
{
    private static readonly Dictionary<string, string> ValueFlags = new(StringComparer.Ordinal)
    {
        ["--nodes"] = "Nodes",
        ["--spare-nodes"] = "SpareNodes",
        ["--port-base"] = "PortBase",
        ["--redis-port"] = "RedisPort",
        ["--state-dir"] = "StateDir",
        ["--redis"] = "Redis",
        ["--redis-mode"] = "RedisMode",
        ["--fsync"] = "Fsync",
        ["--key-prefix"] = "KeyPrefix",
        ["--redis-ca-file"] = "RedisCaFile",
        ["--token-file"] = "TokenFile",
    };

    private static readonly Dictionary<string, string> SwitchFlags = new(StringComparer.Ordinal)
    {
        ["--fresh"] = "Fresh",
        ["--no-dashboard"] = "NoDashboard",
        ["--auth"] = "Auth",
    };

    // Arguments the Aspire host itself reads; each takes a value.
    private static readonly HashSet<string> AspireFlags = new(StringComparer.Ordinal)
    {
        "--publisher", "--output-path", "--operation", "--step", "--environment", "--log-level", "--deployment-state",
    };

    public const string Usage =
        "Usage: dotnet run --project KvCluster.AppHost -- [--nodes N] [--spare-nodes K] [--port-base P] [--redis-port R] " +
        "[--state-dir DIR] [--redis CONNECTION] [--redis-mode auto|container|executable] [--fsync always|everysec] " +
        "[--key-prefix PREFIX] [--redis-ca-file FILE] [--auth] [--token-file FILE] [--fresh] [--no-dashboard]";

    /// <summary>The arguments for the Aspire builder, or the error that names the flag at fault.</summary>
    public static bool TryTranslate(IReadOnlyList<string> args, out string[] translated, out string? error)
    {
        var result = new List<string>();
        error = null;
        translated = [];
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg.Split('=', 2)[0];
            string? inlineValue = arg.Contains('=') ? arg[(name.Length + 1)..] : null;
            if (ValueFlags.TryGetValue(name, out var key))
            {
                string? value = inlineValue ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
                if (value is null)
                {
                    error = $"{name} needs a value. {Usage}";
                    return false;
                }
                result.Add($"--{ClusterSettings.SectionName}:{key}={value}");
            }
            else if (SwitchFlags.TryGetValue(name, out key))
            {
                result.Add($"--{ClusterSettings.SectionName}:{key}={inlineValue ?? "true"}");
            }
            else if (name == "--help" || name == "-h")
            {
                error = Usage;
                return false;
            }
            else if (AspireFlags.Contains(name) || IsConfigurationKey(name) || !name.StartsWith('-'))
            {
                result.Add(arg);
            }
            else
            {
                error = $"Unknown option '{arg}'. {Usage}";
                return false;
            }
        }
        translated = [.. result];
        return true;
    }

    // "--Kv:Nodes", "--ConnectionStrings:redis", "/Kv:Nodes": configuration given on the command line.
    private static bool IsConfigurationKey(string name) => name.Contains(':');
}
