namespace KvCluster.AppHost.Aspire;

/// <summary>
/// Aspire mode (DESIGN.md §1): compiled instead of Program.cs and Local/ only when built with -p:Aspire=true,
/// where the Aspire 13 packages can be restored. Hands every service the same settings local mode does
/// (ChildEnvironment): ConnectionStrings__redis and services__coordinator__http__0 through WithReference,
/// Kv__NodeId and Kv__DataDir explicitly; Aspire itself sets ASPNETCORE_URLS and the OTEL_* variables.
/// Every API used here was checked against dotnet/aspire's source (see AspireAppHostSourceTests); it is not
/// compiled in this repository's default build.
/// </summary>
public static class AspireAppHost
{
    public static void Main(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        // dotnet run --project KvCluster.AppHost -p:Aspire=true -- --Kv:Nodes 5   (or env Kv__Nodes=5)
        int nodes = int.TryParse(builder.Configuration["Kv:Nodes"], out var configured) && configured > 0 ? configured : 3;

        // A data volume turns on Redis persistence, so the log survives a restart of the container.
        var redis = builder.AddRedis("redis")
            .WithDataVolume();

        var coordinator = builder.AddProject("coordinator", "../KvCluster.Coordinator/KvCluster.Coordinator.csproj")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithReference(redis)
            .WaitFor(redis);

        for (int i = 1; i <= nodes; i++)
        {
            string nodeId = "node-" + i;
            // "node1", not "node-1": a resource name becomes part of environment variable names
            // (services__node1__http__0), which must stay valid on Linux. The node id keeps local mode's form.
            builder.AddProject("node" + i, "../KvCluster.Node/KvCluster.Node.csproj")
                .WithHttpEndpoint()
                .WithHttpHealthCheck("/health")
                .WithReference(redis)
                .WithReference(coordinator)
                .WaitFor(redis)
                .WaitFor(coordinator)
                .WithEnvironment("Kv__NodeId", nodeId)
                .WithEnvironment("Kv__DataDir", Path.Combine(builder.AppHostDirectory, ".kvcluster", nodeId));
        }

        builder.Build().Run();
    }
}
