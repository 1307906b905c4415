using KvCluster.Node;
using KvCluster.Node.Api;
using KvCluster.Node.Api.Compat;
using KvCluster.Node.Health;
using KvCluster.Node.Membership;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.RedisLog.Client;
using KvCluster.RedisLog.Log;
using KvCluster.RedisLog.Membership;
using Microsoft.Extensions.Options;

// Settings files live next to the binary, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Kv"));

builder.Services.AddSingleton<IRedisClient>(_ => RedisClientFactory.ConnectInBackground(builder.Configuration.GetConnectionString("redis")));
builder.Services.AddSingleton(sp => new LogKeys(sp.GetRequiredService<IOptions<NodeOptions>>().Value.KeyPrefix));
builder.Services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<LogKeys>()));
builder.Services.AddSingleton(sp => new ReplicaState(new KvStateMachine(sp.GetRequiredService<IOptions<NodeOptions>>().Value.IdempotencyRetention)));
builder.Services.AddSingleton<PendingWrites>();
builder.Services.AddSingleton<NodeMetrics>();
builder.Services.AddSingleton<ReadBarrier>();
builder.Services.AddSingleton<ReadGate>();
builder.Services.AddSingleton<WriteProposer>();
builder.Services.AddHttpClient<CoordinatorClient>(http =>
{
    http.BaseAddress = new Uri("http://coordinator");
    http.Timeout = TimeSpan.FromSeconds(30);
});
builder.Services.AddHostedService<LogTailer>();
builder.Services.AddHostedService<MembershipHeartbeat>();
builder.Services.AddCompatibility();
builder.Services.AddHealthChecks().AddCheck<NodeReadinessCheck>("replica");

var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapKvEndpoints();
app.MapClusterEndpoints();
app.MapNodeStatusEndpoints();
app.MapCompatibilityEndpoints();
app.Run();
