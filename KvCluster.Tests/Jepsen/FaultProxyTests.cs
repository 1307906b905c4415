using System.Net;
using System.Net.Sockets;

namespace KvCluster.Tests.Jepsen;

/// <summary>The fault proxy really cuts the link (else a link nemesis would test nothing) and heals it without losing bytes.</summary>
public sealed class FaultProxyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_stalled_link_holds_bytes_until_healed_and_a_reset_closes_it()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var server = EchoAsync(echo);
        await using var proxy = new FaultProxy(((IPEndPoint)echo.LocalEndpoint).Port);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        var stream = client.GetStream();
        var buffer = new byte[16];

        await stream.WriteAsync("a"u8.ToArray());
        Assert.Equal((byte)'a', buffer[..await ReadAsync(stream, buffer, Deadline)][0]);

        proxy.Set(LinkFault.Stall);
        await stream.WriteAsync("b"u8.ToArray());
        var held = stream.ReadAsync(buffer).AsTask();
        // Absence can only be shown by waiting: half a second with nothing through.
        Assert.NotSame(held, await Task.WhenAny(held, Task.Delay(500)));
        proxy.Set(LinkFault.None);
        Assert.Equal(1, await held.WaitAsync(Deadline));
        Assert.Equal((byte)'b', buffer[0]);

        proxy.Set(LinkFault.Reset);
        int afterReset;
        try
        {
            afterReset = await ReadAsync(stream, buffer, Deadline);
        }
        catch (IOException)
        {
            afterReset = 0;
        }
        Assert.Equal(0, afterReset);
        echo.Stop();
        await server.WaitAsync(Deadline);
    }

    private static async Task<int> ReadAsync(NetworkStream stream, byte[] buffer, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await stream.ReadAsync(buffer, cancel.Token);
    }

    private static async Task EchoAsync(TcpListener listener)
    {
        try
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0) await socket.SendAsync(buffer.AsMemory(0, read));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by the proxy, or stopped by the test.
        }
    }
}
