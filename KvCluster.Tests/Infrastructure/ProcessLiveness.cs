namespace KvCluster.Tests.Infrastructure;

/// <summary>Whether a process id still names a live process (a zombie counts as gone: it runs nothing and holds no port).</summary>
public static class ProcessLiveness
{
    public static bool IsAlive(int pid)
    {
        try
        {
            // /proc/{pid}/stat: "pid (comm) state ..."; comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until every one of <paramref name="pids"/> is gone; fails naming those still alive.</summary>
    public static async Task AssertAllGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var watched = pids.ToArray();
        await Eventually.TrueAsync(() => !watched.Any(IsAlive), timeout,
            () => $"processes still alive: {string.Join(", ", watched.Where(IsAlive))}").ConfigureAwait(false);
    }
}
