using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Client;

public class RedisClientReconnectTests
{
    private static readonly RedisCommand Ping = new("PING");

    [Fact]
    public async Task Server_restart_fails_pending_commands_fails_fast_while_down_and_reconnects()
    {
        await using var server = await RedisTestServer.StartAsync();
        await using var client = await RedisClient.ConnectAsync(server.ConnectionString);
        Assert.Equal(1, (await client.ExecuteAsync(new RedisCommand("INCR").Add("n"))).AsInt64());
        Assert.Equal(0, client.Reconnects);

        // Commands in flight when the server dies fail with a connection error: none hangs, none is misanswered.
        var inFlight = Enumerable.Range(0, 2000).Select(i => client.ExecuteAsync(new RedisCommand("ECHO").Add($"m{i}"))).ToList();
        server.Process.Kill();
        await Task.WhenAll(inFlight).ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(5));
        for (int i = 0; i < inFlight.Count; i++)
        {
            try
            {
                Assert.Equal($"m{i}", (await inFlight[i]).AsString());
            }
            catch (RedisConnectionException)
            {
                // failed, as it should once the server is gone
            }
        }

        await WaitFor.ConditionAsync(() => client.State == RedisConnectionState.Reconnecting, TimeSpan.FromSeconds(5), "client notices");
        var watch = Stopwatch.StartNew();
        var down = await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync(Ping));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}: not failing fast");
        Assert.Contains("Not connected", down.Message);

        await server.Process.RestartAsync();
        var pong = await WaitFor.SuccessAsync(() => client.ExecuteAsync(Ping), TimeSpan.FromSeconds(10), "PING after restart");
        Assert.Equal("PONG", pong.AsString());
        Assert.Equal(RedisConnectionState.Connected, client.State);
        Assert.Equal(1, client.Reconnects);

        // And the blocking connection finds the new server too.
        var blocking = await WaitFor.SuccessAsync(
            () => client.ExecuteBlockingAsync(Ping, TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(10), "blocking PING after restart");
        Assert.Equal("PONG", blocking.AsString());
    }

    [Fact]
    public async Task Abort_connect_off_returns_at_once_and_connects_when_redis_appears()
    {
        int port = FreePorts.GetFreeTcpPort();
        await using var client = await RedisClient.ConnectAsync($"127.0.0.1:{port},abortConnect=false");
        Assert.Equal(RedisConnectionState.Connecting, client.State);
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync(Ping));

        await using var server = await RedisTestServer.StartOnPortAsync(port);
        var pong = await WaitFor.SuccessAsync(() => client.ExecuteAsync(Ping), TimeSpan.FromSeconds(10), "PING once Redis is up");
        Assert.Equal("PONG", pong.AsString());
        Assert.Equal(0, client.Reconnects); // a first connection is not a reconnect
    }

    [Fact]
    public async Task Unreachable_redis_fails_connect_by_default()
    {
        int port = FreePorts.GetFreeTcpPort();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync($"127.0.0.1:{port}"));
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task Protocol_violation_closes_the_connection_with_a_clear_error()
    {
        // A fake server: answers the handshake PING properly, then sends bytes that are not RESP.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var fake = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[1024];
            await socket.ReceiveAsync(buffer);
            await socket.SendAsync("+PONG\r\n"u8.ToArray());
            await socket.ReceiveAsync(buffer);
            await socket.SendAsync("%2\r\nnot resp2\r\n"u8.ToArray());
            // Hold the socket until the client closes it.
            while (await socket.ReceiveAsync(buffer) > 0) { }
        });

        await using var client = await RedisClient.ConnectAsync($"127.0.0.1:{port},abortConnect=true");
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync(new RedisCommand("GET").Add("k")));
        Assert.IsType<RespProtocolException>(error.InnerException);
        Assert.Contains("RESP", error.Message);
        await client.DisposeAsync();
        await fake.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
