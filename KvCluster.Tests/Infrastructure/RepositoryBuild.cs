namespace KvCluster.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from, and the build it belongs to (bin/{Configuration}/{TargetFramework}).</summary>
public static class RepositoryBuild
{
    private static readonly DirectoryInfo OutputDirectory = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The folder holding KvCluster.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests were built in, so other projects' builds are looked up in the same one.</summary>
    public static string Configuration => OutputDirectory.Parent!.Name;

    public static string TargetFramework => OutputDirectory.Name;

    private static string FindRoot()
    {
        var root = OutputDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "KvCluster.sln"))) root = root.Parent;
        return root?.FullName ?? throw new InvalidOperationException($"No KvCluster.sln above {AppContext.BaseDirectory}.");
    }
}
