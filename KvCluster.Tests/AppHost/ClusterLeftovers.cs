using KvCluster.Bench.Ports;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.AppHost;

/// <summary>What a cluster could leave behind: processes that still use its state directory, and listeners on its ports.</summary>
public static class ClusterLeftovers
{
    /// <summary>
    /// Live processes whose command line or environment names <paramref name="stateDirectory"/>: redis-server (its --dir)
    /// and every node (its Kv__DataDir).
    /// </summary>
    public static IReadOnlyList<int> ProcessesUsing(string stateDirectory)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
                string environ = File.ReadAllText(Path.Combine(directory, "environ"));
                if ((cmdline.Contains(stateDirectory, StringComparison.Ordinal) || environ.Contains(stateDirectory, StringComparison.Ordinal))
                    && ProcessLiveness.IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }
        return found;
    }

    public static IReadOnlyList<int> PortsInUse(IEnumerable<int> ports) => [.. ports.Where(port => !PortAllocator.IsFree(port))];

    /// <summary>Waits until nothing of the cluster is left, or fails naming what is.</summary>
    public static Task AssertNoneAsync(string stateDirectory, IEnumerable<int> ports, TimeSpan timeout)
    {
        var watched = ports.ToArray();
        return Eventually.TrueAsync(() => ProcessesUsing(stateDirectory).Count == 0 && PortsInUse(watched).Count == 0, timeout,
            () => $"left running: processes {string.Join(", ", ProcessesUsing(stateDirectory))}; ports in use {string.Join(", ", PortsInUse(watched))}");
    }
}
