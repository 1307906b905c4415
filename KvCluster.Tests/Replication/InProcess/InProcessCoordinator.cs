using KvCluster.Coordinator.Api;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Tests.Security;
using KvCluster.Tests.ServiceDefaults;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// The coordinator's real append route and <see cref="AppendBatcher"/> (KvCluster.Coordinator/Api/AppendEndpoints.cs)
/// on a loopback port, behind the internal key as in KvCluster.Coordinator/Program.cs, over the test's log: a node's writes cross real HTTP, as they do between processes.
/// </summary>
internal sealed class InProcessCoordinator : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private InProcessCoordinator(LoopbackServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public static async Task<InProcessCoordinator> StartAsync(IReplicatedLog log) =>
        new(await LoopbackServer.StartAsync(app => app.MapAppendEndpoints(), new Dictionary<string, string?> { [TestInternalKey.Setting.Key] = TestInternalKey.Value },
            configureBuilder: builder =>
        {
            builder.AddKvSecurity();
            builder.Services.AddSingleton(log);
            builder.Services.AddSingleton<AppendBatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendBatcher>());
        }));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
