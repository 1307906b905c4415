using KvCluster.Bench.Cli;

// KvCluster's load generator (issue 7). Subcommands:
//   run      offer a workload to kvcluster, etcd, redis or the trivial server; report throughput and latency
//   memory   managed heap per stored key in a node's state machine
//   compare  collect a side-by-side run's reports into results.md, results.json and throughput.svg
// scripts/bench.sh runs them all against freshly started systems.
return await BenchCommandLine.InvokeAsync(args);
