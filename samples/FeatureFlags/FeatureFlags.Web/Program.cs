using FeatureFlags.Web.Flags;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
// A body that is not JSON is a 400 in Development too, where minimal APIs would otherwise throw (and answer 500).
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);

// IKvClient from ConnectionStrings:kv (the AppHost's WithReference(kv)), with a health check of the cluster's nodes,
// and the client's traces and metrics.
builder.AddKvClusterClient("kv");

builder.Services.AddSingleton<FlagCache>();
builder.Services.AddHostedService<FlagWatcher>();
builder.Services.AddHealthChecks().AddCheck<FlagCacheHealthCheck>("flags");

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapFlags();

app.Run();
