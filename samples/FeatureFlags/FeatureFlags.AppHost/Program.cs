using KvCluster.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// The cluster's settings are the Kv section (appsettings.json: ports and a state directory of the sample's own, so it
// runs beside KvCluster's AppHost), which --Kv:PortBase 5300 or Kv__PortBase=5300 change as they do for that AppHost.
var kv = builder.AddKvCluster<Projects.KvCluster_Node, Projects.KvCluster_Coordinator>("kv", ClusterSettings.From(builder.Configuration));

builder.AddProject<Projects.FeatureFlags_Web>("flags")
    .WithReference(kv)   // ConnectionStrings__kv: the nodes' URLs
    .WaitFor(kv)         // the cluster is Running once every node is healthy
    .WithHttpHealthCheck("/health");

builder.Build().Run();
