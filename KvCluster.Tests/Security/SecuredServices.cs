using KvCluster.Log.InMemory;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.ServiceDefaults;

namespace KvCluster.Tests.Security;

/// <summary>
/// A coordinator and a node, hosted in process with their real routes and security, over one in-memory log and one
/// redis-server, shared by a test class. Everything either of them logs is kept in <see cref="Logs"/>.
/// </summary>
public abstract class InProcessServices(Func<Dictionary<string, string?>> settings) : IAsyncLifetime
{
    private RedisTestServer? _redis;

    internal InMemoryReplicatedLog Log { get; } = new();

    internal RecordingLoggerProvider Logs { get; } = new();

    internal LoopbackServer Coordinator { get; private set; } = null!;

    internal LoopbackServer Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisTestServer.StartAsync();
        Coordinator = await SecuredCoordinatorHost.StartAsync(Log, _redis.ConnectionString, settings(), Logs);
        Node = await SecuredNodeHost.StartAsync(Log, Coordinator.BaseAddress, _redis.ConnectionString, settings(), Logs);
    }

    public async Task DisposeAsync()
    {
        if (Node is not null) await Node.DisposeAsync();
        if (Coordinator is not null) await Coordinator.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

/// <summary>Client tokens on, with <see cref="TestTokens"/>.</summary>
public sealed class SecuredServices() : InProcessServices(TestTokens.Settings);

/// <summary>Client tokens off, as on a developer's machine: only the internal key is asked for.</summary>
public sealed class OpenServices() : InProcessServices(() => []);
