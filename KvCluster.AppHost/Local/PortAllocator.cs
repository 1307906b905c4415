using System.Net;
using System.Net.Sockets;

namespace KvCluster.AppHost.Local;

/// <summary>
/// Finds runs of free loopback ports. Picks below the kernel's ephemeral range (32768+ on Linux) so an
/// outgoing connection cannot grab a port between the pick and the child's bind, starts at a random
/// place so parallel test processes rarely collide, and never hands out a port twice in this process.
/// </summary>
public static class PortAllocator
{
    private const int LowestPort = 20000;
    private const int HighestPort = 32000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>The first port of <paramref name="count"/> consecutive ports that are free on 127.0.0.1 now.</summary>
    public static int FindFreeRange(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Gate)
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                int first = Random.Shared.Next(LowestPort, HighestPort - count);
                var range = Enumerable.Range(first, count).ToArray();
                if (range.Any(HandedOut.Contains) || !range.All(IsFree)) continue;
                HandedOut.UnionWith(range);
                return first;
            }
        }
        throw new InvalidOperationException($"Found no {count} consecutive free ports between {LowestPort} and {HighestPort}.");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
