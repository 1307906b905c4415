using System.Net;
using System.Net.Sockets;

namespace KvCluster.Hosting;

/// <summary>Before anything starts: each fixed port the cluster will listen on is free, or the error names who wanted it.</summary>
internal static class PortCheck
{
    public static string? FindConflict(ClusterSettings settings, bool privateRedis)
    {
        var wanted = new List<(int Port, string Owner)> { (settings.PortBase, ClusterServices.CoordinatorName) };
        for (int i = 1; i <= settings.TotalNodes; i++) wanted.Add((settings.NodePort(i), ClusterServices.NodeResourceName(i)));
        if (privateRedis) wanted.Add((settings.RedisPort, ClusterRedis.ResourceName));
        foreach (var (port, owner) in wanted)
        {
            if (!IsFree(port))
                return $"Port {port} (for {owner}) is already in use on 127.0.0.1. Stop what holds it, or choose other ports " +
                       "with --port-base / --redis-port.";
        }
        return null;
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
