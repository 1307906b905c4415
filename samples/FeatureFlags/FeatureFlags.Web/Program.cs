using FeatureFlags.Web.Flags;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

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
