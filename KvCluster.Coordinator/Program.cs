using KvCluster.Coordinator;
using KvCluster.Coordinator.Api;
using KvCluster.Coordinator.Compaction;
using KvCluster.Coordinator.Leases;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using KvCluster.ServiceDefaults.Security;
using StackExchange.Redis;

// Settings files live next to the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
try
{
    builder.AddKvSecurity();
}
catch (InsecureConfigurationException refused)
{
    // One line that says what to set, not a stack trace.
    Console.Error.WriteLine($"The coordinator refuses to start: {refused.Message}");
    return 1;
}
builder.Services.Configure<CoordinatorOptions>(builder.Configuration.GetSection("Kv"));

var retention = builder.Configuration.GetSection("Kv").Get<CoordinatorOptions>() ?? new CoordinatorOptions();
builder.AddRedisReplicatedLog(new RedisLogOptions
{
    IdempotencyRetention = retention.IdempotencyRetention,
    RequestIdRetention = retention.RequestIdRetention,
});
builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>(),
    sp.GetRequiredService<IReplicatedLog>()));
builder.Services.AddSingleton(sp => new CompactionLease(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddSnapshotSource();
builder.Services.AddHostedService<CompactionService>();
builder.Services.AddSingleton<AppendBatcher>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendBatcher>());
builder.Services.Configure<LeaseExpiryOptions>(builder.Configuration.GetSection("Kv:Leases"));
builder.Services.AddSingleton(sp => new LeaseStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddHostedService<LeaseExpirer>();

var app = builder.Build();
app.UseServiceDefaults();
app.UseKvSecurity();
app.MapCoordinatorApi();
app.Run();
return 0;
