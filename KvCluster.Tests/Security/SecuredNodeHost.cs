using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using KvCluster.Node;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using KvCluster.Node.Security;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KvCluster.Tests.Security;

/// <summary>
/// A node's whole HTTP API (<see cref="NodeApi.MapNodeApi"/>) behind its security (AddKvSecurity, UseKvSecurity), wired
/// as KvCluster.Node/Program.cs wires it, in this process on a loopback port: its log is the test's, its writes go to
/// the given coordinator over HTTP, the cluster view and kevinDB's view overrides are in the given Redis.
/// </summary>
internal static class SecuredNodeHost
{
    public static Task<LoopbackServer> StartAsync(IReplicatedLog log, Uri coordinator, string redis, IDictionary<string, string?> settings,
        RecordingLoggerProvider? logs = null, Action<WebApplication>? moreRoutes = null)
    {
        string dataDirectory = Path.Combine(Path.GetTempPath(), "kvcluster-secured-" + Guid.NewGuid().ToString("N")[..12]);
        var configuration = new Dictionary<string, string?>
        {
            [TestInternalKey.Setting.Key] = TestInternalKey.Value,
            ["Kv:NodeId"] = "node-1",
            ["Kv:DataDir"] = dataDirectory,
            ["services:coordinator:http:0"] = coordinator.ToString(),
        };
        // The test's settings win over these defaults.
        foreach (var (key, value) in settings) configuration[key] = value;
        return LoopbackServer.StartAsync(app =>
        {
            app.UseStatusCodePages();
            app.UseKvSecurity();
            app.MapNodeApi();
            moreRoutes?.Invoke(app);
        }, configuration, builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            }
            builder.AddServiceDefaults();
            builder.AddKvSecurity(KeyPolicies.Add);
            builder.Services.AddProblemDetails();
            builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Kv"));
            builder.Services.AddSingleton(log);
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            builder.Services.AddSingleton(new LogKeys());
            builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IConnectionMultiplexer>(),
                sp.GetRequiredService<LogKeys>(), log));
            builder.Services.AddSingleton(sp => new ViewOverrides(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>()));
            builder.Services.AddSingleton(sp => new SnapshotStore(sp.GetRequiredService<IOptions<NodeOptions>>().Value.SnapshotDirectory,
                sp.GetRequiredService<ILogger<SnapshotStore>>()));
            builder.Services.AddSingleton(new ReplicaState(new KvStateMachine()));
            builder.Services.AddSingleton(sp =>
            {
                var replica = sp.GetRequiredService<ReplicaState>();
                return new SnapshotScheduler(sp.GetRequiredService<SnapshotStore>(), new SnapshotPolicy(1_000_000, TimeSpan.FromHours(1)),
                    () => replica.Machine, sp.GetRequiredService<ILogger<SnapshotScheduler>>(), replica.Machine.AppliedSeq);
            });
            builder.Services.AddSingleton<PendingWrites>();
            builder.Services.AddSingleton<NodeMetrics>();
            builder.Services.AddSingleton<ReadBarrier>();
            builder.Services.AddSingleton<ReadGate>();
            builder.Services.AddSingleton<WriteProposer>();
            builder.Services.AddCoordinatorClient();
            builder.Services.AddHostedService<LogTailer>();
        });
    }
}
