using KvCluster.AppHost.Local;

// Local mode (DESIGN.md §5): a private redis-server, one coordinator and N nodes as supervised child
// processes, each configured through the environment variables .NET Aspire would give it.
//
//   dotnet run --project KvCluster.AppHost -- [--nodes N] [--port-base P] [--redis-port R]
//       [--state-dir DIR] [--redis CONNECTION] [--fsync always|everysec] [--fresh] [--verbose]
//
// The orchestration is a library (Local/LocalCluster) that the integration tests start clusters with.
return await AppHostCommandLine.InvokeAsync(args);
