using System.Net;
using System.Net.Sockets;

namespace KvCluster.Tests.Infrastructure;

/// <summary>Ports for test servers, so parallel tests and other runs on the machine never collide.</summary>
public static class FreePorts
{
    /// <summary>A loopback TCP port that was free a moment ago (the OS picks it).</summary>
    public static int GetFreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
