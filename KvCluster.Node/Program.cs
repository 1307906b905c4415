using KvCluster.Node;
using KvCluster.Node.Api;
using KvCluster.Node.Api.Compat;
using KvCluster.Node.Health;
using KvCluster.Node.Membership;
using KvCluster.Node.Replication;
using KvCluster.Node.Security;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Watch;
using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using KvCluster.ServiceDefaults.Security;
using StackExchange.Redis;
using Microsoft.Extensions.Options;

// Settings files live next to the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
try
{
    builder.AddKvSecurity(KeyPolicies.Add);
}
catch (InsecureConfigurationException refused)
{
    // One line that says what to set, not a stack trace.
    Console.Error.WriteLine($"The node refuses to start: {refused.Message}");
    return 1;
}
builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Kv"));
builder.Services.AddOptions<WatchOptions>().Bind(builder.Configuration.GetSection(WatchOptions.Section))
    .Validate(watch => watch.IsValid(), $"{WatchOptions.Section}: JournalMaxChanges, JournalMaxBytes and MaxStreams must be 1 or more, " +
        "HeartbeatInterval and WriteTimeout more than zero.")
    .ValidateOnStart();

builder.AddRedisReplicatedLog();
builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>(),
    sp.GetRequiredService<IReplicatedLog>()));
builder.Services.AddSingleton(sp => new SnapshotStore(sp.GetRequiredService<IOptions<NodeOptions>>().Value.SnapshotDirectory,
    sp.GetRequiredService<ILogger<SnapshotStore>>()));
// Start from this node's own snapshot when it has an intact one; the tailer replays the log from there.
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
    var snapshot = sp.GetRequiredService<SnapshotStore>().TryLoadLatest(options.IdempotencyRetention);
    return new ReplicaState(snapshot?.Machine ?? new KvStateMachine(options.IdempotencyRetention),
        sp.GetRequiredService<IOptions<WatchOptions>>().Value.JournalLimits);
});
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
    var replica = sp.GetRequiredService<ReplicaState>();
    return new SnapshotScheduler(sp.GetRequiredService<SnapshotStore>(),
        new SnapshotPolicy(options.SnapshotEveryEntries, options.SnapshotInterval),
        () => replica.Machine, sp.GetRequiredService<ILogger<SnapshotScheduler>>(), replica.Machine.AppliedSeq)
    {
        Taken = info => sp.GetRequiredService<NodeMetrics>().RecordSnapshot(info.Duration),
    };
});
builder.Services.AddHostedService(sp => sp.GetRequiredService<SnapshotScheduler>());
builder.Services.AddSingleton<PendingWrites>();
builder.Services.AddSingleton<NodeMetrics>();
builder.Services.AddSingleton<ReadBarrier>();
builder.Services.AddSingleton<ReadGate>();
builder.Services.AddSingleton<WriteProposer>();
builder.Services.AddSingleton(sp => new LeaseStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddCoordinatorClient();
builder.Services.AddHostedService<LogTailer>();
builder.Services.AddHostedService<MembershipHeartbeat>();
builder.Services.AddCompatibility();
builder.Services.AddHealthChecks().AddCheck<NodeReadinessCheck>("replica");

var app = builder.Build();
app.UseServiceDefaults();
app.UseKvSecurity();
app.MapNodeApi();
app.Run();
return 0;
