using KvCluster.Coordinator;
using KvCluster.Coordinator.Api;
using KvCluster.Coordinator.Compaction;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.Log.Redis;
using StackExchange.Redis;

// Settings files live next to the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
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
builder.Services.AddHttpClient(nameof(SnapshotSource), http => http.Timeout = TimeSpan.FromMinutes(5));
builder.Services.AddSingleton<SnapshotSource>();
builder.Services.AddHostedService<CompactionService>();
builder.Services.AddSingleton<AppendBatcher>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendBatcher>());

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapAppendEndpoints();
app.MapClusterEndpoints();
app.Run();
