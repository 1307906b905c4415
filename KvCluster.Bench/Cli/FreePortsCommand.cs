using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace KvCluster.Bench.Cli;

/// <summary>
/// <c>free-ports --count N</c> (hidden): N distinct loopback ports free now, one per line, for scripts/bench.sh.
/// Picked below the ephemeral range, so an outgoing connection does not take one before its server binds it.
/// </summary>
internal static class FreePortsCommand
{
    private const int LowestPort = 20000;
    private const int HighestPort = 32000;

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many ports", DefaultValueFactory = _ => 1 };
        var consecutive = new Option<bool>("--consecutive") { Description = "A run of consecutive ports (the AppHost's port-base layout)" };
        var command = new Command("free-ports", "Print free loopback ports") { count, consecutive };
        command.Hidden = true;
        command.SetAction(result =>
        {
            var ports = result.GetValue(consecutive) ? FindRange(result.GetValue(count)) : Find(result.GetValue(count));
            foreach (int port in ports) result.InvocationConfiguration.Output.WriteLine(port);
            return 0;
        });
        return command;
    }

    public static IReadOnlyList<int> Find(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var ports = new HashSet<int>();
        for (int attempt = 0; ports.Count < count; attempt++)
        {
            if (attempt > 10_000) throw new InvalidOperationException($"Found only {ports.Count} of {count} free ports.");
            int port = Random.Shared.Next(LowestPort, HighestPort);
            if (!ports.Contains(port) && IsFree(port)) ports.Add(port);
        }
        return [.. ports];
    }

    public static IReadOnlyList<int> FindRange(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (int attempt = 0; attempt < 10_000; attempt++)
        {
            int first = Random.Shared.Next(LowestPort, HighestPort - count);
            var range = Enumerable.Range(first, count).ToArray();
            if (range.All(IsFree)) return range;
        }
        throw new InvalidOperationException($"Found no {count} consecutive free ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
