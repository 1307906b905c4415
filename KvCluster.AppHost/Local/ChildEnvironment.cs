using System.Globalization;

namespace KvCluster.AppHost.Local;

/// <summary>
/// A child's environment, named the way .NET Aspire hands configuration to a project (DESIGN.md §5),
/// so the same binaries run unchanged under Aspire or a container platform.
/// </summary>
public static class ChildEnvironment
{
    // Inherited settings that would contradict ours: a stale Kv__NodeId or URL from the shell that started us.
    private static readonly string[] ReplacedPrefixes = ["Kv__", "ConnectionStrings__", "services__"];
    private static readonly string[] ReplacedNames =
    [
        "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS",
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
    ];

    /// <summary>
    /// The whole environment for <paramref name="child"/>: the inherited one (which carries PATH, DOTNET_ROOT and
    /// any OTEL_EXPORTER_OTLP_* settings through) without conflicting keys, then the cluster's settings, then
    /// <paramref name="extra"/>, which win.
    /// </summary>
    public static Dictionary<string, string> Build(
        ChildDefinition child,
        string redisConnectionString,
        Uri coordinatorUrl,
        int supervisorPid,
        IReadOnlyDictionary<string, string> inherited,
        IReadOnlyDictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in inherited)
        {
            if (!IsReplaced(name)) environment[name] = value;
        }

        environment["ConnectionStrings__redis"] = redisConnectionString;
        environment["ASPNETCORE_URLS"] = child.Url.GetLeftPart(UriPartial.Authority);
        environment["OTEL_SERVICE_NAME"] = child.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={child.Name}";
        environment["Kv__SupervisorPid"] = supervisorPid.ToString(CultureInfo.InvariantCulture);
        if (child.IsNode)
        {
            environment["services__coordinator__http__0"] = coordinatorUrl.GetLeftPart(UriPartial.Authority);
            environment["Kv__NodeId"] = child.Name;
            environment["Kv__DataDir"] = child.DataDirectory;
        }

        foreach (var (name, value) in extra) environment[name] = value;
        return environment;
    }

    /// <summary>This process's environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> Current()
    {
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value) current[name] = value;
        }
        return current;
    }

    private static bool IsReplaced(string name) =>
        ReplacedNames.Contains(name, StringComparer.OrdinalIgnoreCase) ||
        ReplacedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
