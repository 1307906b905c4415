namespace KvCluster.Hosting;

/// <summary>--fresh: deletes the state directory, and refuses a path whose loss would be more than the cluster's state.</summary>
internal static class StateDirectoryWipe
{
    public static void Run(string stateDirectory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory));
        var current = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Environment.CurrentDirectory));
        var home = Path.TrimEndingDirectorySeparator(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        bool holdsCurrentDirectory = current == target || current.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (Path.GetPathRoot(target) == target || target == home || holdsCurrentDirectory)
        {
            throw new InvalidOperationException($"--fresh refuses to delete {target}: it is not a state directory of its own.");
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
    }
}
