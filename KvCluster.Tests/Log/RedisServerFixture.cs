using KvCluster.Tests.Infrastructure;
using StackExchange.Redis;

namespace KvCluster.Tests.Log;

/// <summary>
/// One redis-server for a test class, with two connections to it: the test's own, and another process's (a second
/// node or coordinator), so a test can see what crosses between processes. Tests keep apart by key prefix.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisTestServer? _server;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public ConnectionMultiplexer OtherConnection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisTestServer.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        OtherConnection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null) await Connection.DisposeAsync();
        if (OtherConnection is not null) await OtherConnection.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
