using KvCluster.Coordinator.Api;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using KvCluster.Tests.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KvCluster.Tests.Security;

/// <summary>
/// A coordinator's whole HTTP API (<see cref="CoordinatorApi.MapCoordinatorApi"/>) behind its security, wired as
/// KvCluster.Coordinator/Program.cs wires it, in this process on a loopback port, appending to the test's log.
/// </summary>
internal static class SecuredCoordinatorHost
{
    public static Task<LoopbackServer> StartAsync(IReplicatedLog log, string redis, IDictionary<string, string?> settings,
        RecordingLoggerProvider? logs = null, Action<WebApplication>? moreRoutes = null)
    {
        var configuration = new Dictionary<string, string?> { [TestInternalKey.Setting.Key] = TestInternalKey.Value };
        // The test's settings win over these defaults.
        foreach (var (key, value) in settings) configuration[key] = value;
        return LoopbackServer.StartAsync(app =>
        {
            app.UseStatusCodePages();
            app.UseKvSecurity();
            app.MapCoordinatorApi();
            moreRoutes?.Invoke(app);
        }, configuration, builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            }
            builder.AddServiceDefaults();
            builder.AddKvSecurity();
            builder.Services.AddProblemDetails();
            builder.Services.AddSingleton(log);
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            builder.Services.AddSingleton(new LogKeys());
            builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IConnectionMultiplexer>(),
                sp.GetRequiredService<LogKeys>(), log));
            builder.Services.AddSingleton<AppendBatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendBatcher>());
        });
    }
}
