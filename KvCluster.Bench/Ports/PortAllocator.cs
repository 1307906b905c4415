using System.Net;
using System.Net.Sockets;

namespace KvCluster.Bench.Ports;

/// <summary>
/// Finds runs of free loopback ports for a cluster (coordinator on the first, node-i on first+i): for scripts/bench.sh and the tests. Picks below the
/// kernel's ephemeral range (32768+ on Linux) so an outgoing connection cannot take a port between the pick and the
/// service's bind, starts at a random place so parallel test processes rarely collide, and never hands out a port twice.
/// </summary>
public static class PortAllocator
{
    private const int LowestPort = 20000;
    private const int HighestPort = 32000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

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
