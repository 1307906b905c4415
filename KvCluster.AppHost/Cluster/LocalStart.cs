namespace KvCluster.AppHost.Cluster;

/// <summary>What a local run checks and prepares before DCP starts anything: the state directory and free ports.</summary>
public static class LocalStart
{
    /// <summary>Why the cluster cannot start here, or null once the state directory is ready.</summary>
    public static string? Prepare(ClusterSettings settings)
    {
        if (PortCheck.FindConflict(settings) is { } conflict) return conflict;
        if (settings.Redis is null && settings.RedisMode == RedisMode.Executable && !RedisServerOnPath())
        {
            return "redis-server is not installed, and no container runtime is running. Install it (Debian/Ubuntu: " +
                   "sudo apt-get install redis-server; scripts/run-cluster.sh does this for you), or pass --redis host:port.";
        }
        try
        {
            if (settings.Fresh) StateDirectoryWipe.Run(settings.StateDirectory);
            Directory.CreateDirectory(settings.StateDirectory);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        return null;
    }

    private static bool RedisServerOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "redis-server")));
}
