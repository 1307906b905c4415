using System.Reflection;

namespace KvCluster.AppHost.Local;

/// <summary>
/// Finds the built node and coordinator. By default they are the apphosts in
/// {solution}/KvCluster.Node/bin/{Configuration}/{tfm}/, with the Configuration this assembly was built in;
/// a binaries root (ClusterOptions.BinariesRoot or env KVCLUSTER_BIN) serves other layouts: either
/// {root}/KvCluster.Node (flat) or {root}/KvCluster.Node/KvCluster.Node (a folder per project).
/// </summary>
public static class ClusterBinaries
{
    public const string NodeProject = "KvCluster.Node";
    public const string CoordinatorProject = "KvCluster.Coordinator";
    public const string BinariesRootVariable = "KVCLUSTER_BIN";

    public static string Configuration => Metadata("KvCluster.Configuration") ?? "Debug";

    public static string TargetFramework => Metadata("KvCluster.TargetFramework") ?? "net10.0";

    /// <summary>How to run <paramref name="project"/>: its apphost, or `dotnet its.dll` when only the dll is there.</summary>
    public static ChildCommand Locate(string project, string? binariesRoot = null)
    {
        binariesRoot ??= Environment.GetEnvironmentVariable(BinariesRootVariable);
        var candidates = binariesRoot is { Length: > 0 }
            ? new[] { Path.GetFullPath(binariesRoot), Path.Combine(Path.GetFullPath(binariesRoot), project) }
            : [ProjectOutputDirectory(project)];

        foreach (var directory in candidates)
        {
            var apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? project + ".exe" : project);
            if (File.Exists(apphost)) return new ChildCommand(apphost, [], directory);
            var dll = Path.Combine(directory, project + ".dll");
            if (File.Exists(dll)) return new ChildCommand(DotnetHost(), [dll], directory);
        }
        throw new FileNotFoundException(
            $"{project} is not built: looked in {string.Join(", ", candidates)}. " +
            $"Build the solution (dotnet build -c {Configuration}) or set {BinariesRootVariable}.");
    }

    /// <summary>{solution}/{project}/bin/{Configuration}/{tfm}.</summary>
    public static string ProjectOutputDirectory(string project) =>
        Path.Combine(FindSolutionDirectory(), project, "bin", Configuration, TargetFramework);

    /// <summary>The nearest directory above this program that holds KvCluster.sln.</summary>
    public static string FindSolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvCluster.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException(
            $"No KvCluster.sln above {AppContext.BaseDirectory}; set {BinariesRootVariable} to where the node and coordinator binaries are.");
    }

    /// <summary>The dotnet executable running the build or this program.</summary>
    public static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (fromSdk is { Length: > 0 } && File.Exists(fromSdk)) return fromSdk;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    private static string? Metadata(string key) =>
        typeof(ClusterBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == key)?.Value;
}
