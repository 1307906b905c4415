using BenchmarkDotNet.Running;
using KvCluster.Benchmarks;

// dotnet run -c Release --project KvCluster.Benchmarks -- --filter '*'   (or a class name: --filter '*Tail*')
BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarkConfig).Assembly).Run(args, MicroBenchmarkConfig.Create());
