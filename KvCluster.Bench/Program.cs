using KvCluster.Bench.Cli;

// KvCluster's load generator (issue 7). Subcommands:
//   run      offer a workload to kvcluster, etcd, redis or the trivial server; report throughput and latency
//   memory   managed heap per stored key in a node's state machine
//   compare  collect a side-by-side run's reports into results.md, results.json and throughput.svg
// scripts/bench.sh runs them all against freshly started systems.

// The load generator shares the cores with what it measures, so it should cost as little as it can: socket
// completions run on the epoll thread instead of hopping to the thread pool (measured on 2 cores: about half the
// CPU per request, for every target alike). Read once, at the first socket operation, so set before any.
if (args is ["run", ..]) Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
return await BenchCommandLine.InvokeAsync(args);
