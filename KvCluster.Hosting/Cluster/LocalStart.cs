namespace KvCluster.Hosting;

/// <summary>What a local run checks and prepares before DCP starts anything: the state directory and free ports.</summary>
public static class LocalStart
{
    /// <summary>
    /// Why the cluster cannot start here, or null once the state directory is ready. <paramref name="privateRedis"/>: the
    /// cluster starts its own Redis, whose port must be free too. The state directory is wiped (--fresh) once per settings.
    /// </summary>
    public static string? Prepare(ClusterSettings settings, bool privateRedis)
    {
        if (PortCheck.FindConflict(settings, privateRedis) is { } conflict) return conflict;
        if (privateRedis && settings.RedisMode == RedisMode.Executable && !RedisServerOnPath())
        {
            return "redis-server is not installed, and no container runtime is running. Install it (Debian/Ubuntu: " +
                   "sudo apt-get install redis-server; scripts/run-cluster.sh does this for you), or pass --redis host:port.";
        }
        try
        {
            // The AppHost prepares before it adds the cluster, and the cluster again before it starts: one wipe.
            if (settings.Fresh && !settings.Wiped) StateDirectoryWipe.Run(settings.StateDirectory);
            settings.Wiped = true;
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
