namespace KvCluster.AppHost.Local;

/// <summary>
/// A private redis-server outlives an AppHost that was killed (SIGKILL, OOM) and keeps its port. Its pid file in
/// the state directory lets the next start stop exactly that server, and nothing else.
/// </summary>
internal static class StaleRedisServer
{
    public const string PidFileName = "redis-server.pid";

    public static async Task StopAsync(string redisDirectory, int port, Action<string>? output)
    {
        var pidFile = Path.Combine(redisDirectory, PidFileName);
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid)) return;
        if (!IsRedisServer(pid, port)) return;

        output?.Invoke($"[redis] (apphost) stopping redis-server {pid} left behind by an earlier run");
        Signals.Terminate(pid);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (IsRedisServer(pid, port) && DateTime.UtcNow < deadline) await Task.Delay(50).ConfigureAwait(false);
        if (IsRedisServer(pid, port)) Signals.Kill(pid);
    }

    // The pid could have been reused since; only a redis-server on our port is ours.
    private static bool IsRedisServer(int pid, int port)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "redis-server" &&
                   File.ReadAllText($"/proc/{pid}/cmdline").Contains($":{port}", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
