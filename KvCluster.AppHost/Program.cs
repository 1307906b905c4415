using KvCluster.AppHost.Cluster;
using KvCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// dotnet run --project KvCluster.AppHost -- [--nodes N] [--spare-nodes K] [--port-base P] [--redis-port R] [--state-dir DIR]
//     [--redis CONNECTION] [--redis-mode auto|container|executable] [--fsync always|everysec] [--key-prefix PREFIX]
//     [--redis-ca-file FILE] [--auth] [--token-file FILE] [--fresh] [--no-dashboard]
// Redis, one coordinator and N nodes under DCP, the dashboard showing them (docs/architecture.md §5): KvCluster.Hosting's
// AddKvCluster, with the settings from the command line and the Kv__ variables, checked here so that a mistake is said
// with its exit code before anything starts.
if (!ClusterArguments.TryTranslate(args, out var aspireArgs, out var argumentError))
{
    Console.Error.WriteLine(argumentError);
    return 2;
}
var settings = ClusterSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(aspireArgs).Build());
if (settings.Validate() is { } invalid)
{
    Console.Error.WriteLine(invalid);
    return 2;
}

var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    // Exit only once DCP has stopped every service: a script that waits for the AppHost then finds nothing running.
    Args = ["--DcpPublisher:WaitForResourceCleanup=true", .. aspireArgs],
    DisableDashboard = settings.NoDashboard,
});
if (builder.ExecutionContext.IsPublishMode && settings.RedisCaFile is not null)
{
    Console.Error.WriteLine("--redis-ca-file names a file on this machine, which a deployed service cannot read; " +
        "a managed Redis needs none (its certificate comes from a public CA).");
    return 2;
}
if (builder.ExecutionContext.IsPublishMode && settings.TokenFile is not null)
{
    Console.Error.WriteLine("--token-file names a file on this machine, which a deployed service cannot read; a deployment " +
        "has token mode on with a generated admin token (the parameter " + ClusterSecrets.AdminTokenParameter + ").");
    return 2;
}
settings.RedisMode = ClusterRedis.ChooseMode(builder.ExecutionContext, settings.RedisMode);
if (builder.ExecutionContext.IsRunMode && LocalStart.Prepare(settings, privateRedis: settings.Redis is null) is { } cannotStart)
{
    Console.Error.WriteLine(cannotStart);
    return 1;
}
// A service still starting fails its health check; the dashboard shows that, the console need not print each stack.
builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

// Locally the coordinator and nodes run from their projects' build outputs (the paths this project's build writes into
// the assembly), each start and restart `dotnet KvCluster.Node.dll` rather than `dotnet run`, a second or more less on
// every one; a manifest has them as the projects azd publishes into container images.
if (builder.ExecutionContext.IsRunMode) builder.AddKvCluster("kv", settings);
else builder.AddKvCluster<Projects.KvCluster_Node, Projects.KvCluster_Coordinator>("kv", settings);

await builder.Build().RunAsync();
return 0;
