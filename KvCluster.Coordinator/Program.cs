using KvCluster.Coordinator;
using KvCluster.Coordinator.Api;
using KvCluster.Coordinator.Compaction;
using KvCluster.Coordinator.Health;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log.Checkpoints;
using KvCluster.Log.Client;
using KvCluster.Log.Entries;
using KvCluster.Log.Membership;
using Microsoft.Extensions.Options;

// Settings files live next to the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.Configure<CoordinatorOptions>(builder.Configuration.GetSection("Kv"));

builder.Services.AddSingleton<IRedisClient>(_ => RedisClientFactory.ConnectInBackground(builder.Configuration.GetConnectionString("redis")));
builder.Services.AddSingleton(sp => new LogKeys(sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value.KeyPrefix));
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value;
    return new SequencerScript(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<LogKeys>(),
        options.IdempotencyRetention, options.RequestIdRetention);
});
builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddSingleton(sp => new CheckpointStore(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddSingleton(sp => new CompactionLease(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddHttpClient(nameof(SnapshotSource), http => http.Timeout = TimeSpan.FromMinutes(5));
builder.Services.AddSingleton<SnapshotSource>();
builder.Services.AddHostedService<CompactionService>();
builder.Services.AddSingleton<AppendBatcher>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AppendBatcher>());
builder.Services.AddHealthChecks().AddCheck<RedisReachableCheck>("redis");

var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapAppendEndpoints();
app.MapClusterEndpoints();
app.Run();
