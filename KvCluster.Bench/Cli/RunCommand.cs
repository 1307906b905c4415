using System.CommandLine;
using System.Text.Json;
using KvCluster.Bench.Reporting;
using KvCluster.Bench.Running;
using KvCluster.Bench.Targets;
using KvCluster.Bench.Workload;

namespace KvCluster.Bench.Cli;

/// <summary><c>run</c>: one workload against one target; prints the table and optionally writes the JSON report.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var defaults = new WorkloadOptions();
        var target = new Option<TargetKind>("--target") { Description = "kvcluster, etcd, redis or trivial", Required = true };
        var endpoints = new Option<string[]>("--endpoint", "--url")
        {
            Description = "Base URL of a node / member / server (repeat for each), or for redis one connection string such as 127.0.0.1:6379",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var connections = new Option<int>("--connections", "-c") { Description = "Concurrent connections, one request each in flight", DefaultValueFactory = _ => defaults.Connections };
        var rate = new Option<double?>("--rate") { Description = "Open loop: requests per second in all, latency measured from when each was due; omit for a closed loop" };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds measured", DefaultValueFactory = _ => defaults.DurationSeconds };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring", DefaultValueFactory = _ => defaults.WarmupSeconds };
        var keys = new Option<int>("--keys") { Description = "Number of distinct keys", DefaultValueFactory = _ => defaults.Keys };
        var distribution = new Option<KeyDistribution>("--distribution") { Description = "uniform or zipfian (θ 0.99)", DefaultValueFactory = _ => defaults.Distribution };
        var valueSize = new Option<int>("--value-size") { Description = "Bytes per value written", DefaultValueFactory = _ => defaults.ValueSize };
        var readRatio = new Option<double>("--read-ratio") { Description = "Share of reads, 0 (all writes) to 1 (all reads)", DefaultValueFactory = _ => defaults.ReadRatio };
        var consistency = new Option<ReadConsistency>("--consistency") { Description = "linearizable, session or local (etcd: local = serializable)", DefaultValueFactory = _ => defaults.Consistency };
        var prefill = new Option<bool>("--prefill") { Description = "Write every key once before the warmup, so reads find them" };
        var scenario = new Option<string>("--scenario") { Description = "Name of the workload in the report", DefaultValueFactory = _ => defaults.Scenario };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file" };
        var watch = new Option<string[]>("--watch")
        {
            Description = "Base URL of a KvCluster coordinator or node whose CPU and GC per operation the report gives (repeat; a kvcluster target's nodes are watched anyway)",
            AllowMultipleArgumentsPerToken = true,
        };
        var watchRedis = new Option<string?>("--watch-redis") { Description = "A Redis (connection string such as 127.0.0.1:6379) whose CPU per operation the report gives" };

        var command = new Command("run", "Offer a workload to one target and report throughput, latency percentiles and errors")
        {
            target, endpoints, connections, rate, duration, warmup, keys, distribution, valueSize, readRatio, consistency, prefill, scenario, json,
            watch, watchRedis,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var workload = new WorkloadOptions
            {
                Scenario = result.GetValue(scenario)!,
                Connections = result.GetValue(connections),
                Rate = result.GetValue(rate),
                DurationSeconds = result.GetValue(duration),
                WarmupSeconds = result.GetValue(warmup),
                Keys = result.GetValue(keys),
                Distribution = result.GetValue(distribution),
                ValueSize = result.GetValue(valueSize),
                ReadRatio = result.GetValue(readRatio),
                Consistency = result.GetValue(consistency),
                Prefill = result.GetValue(prefill),
            };
            var output = result.InvocationConfiguration.Output;
            if (workload.Validate() is { } problem)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(problem);
                return 2;
            }
            var kind = result.GetValue(target);
            string[] endpointList = result.GetValue(endpoints)!;
            IEnumerable<string> watched = [.. kind == TargetKind.KvCluster ? endpointList : [], .. result.GetValue(watch) ?? []];
            await using var processes = new ProcessWatch(watched.Select(BenchTargets.BaseUrl), result.GetValue(watchRedis));
            var report = await RunAsync(kind, endpointList, workload, cancellationToken, processes);
            ReportTable.Write(output, report);
            if (result.GetValue(json) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport), cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>Creates the target, runs the workload on it and returns the report.</summary>
    public static async Task<BenchReport> RunAsync(TargetKind kind, IReadOnlyList<string> endpoints, WorkloadOptions workload, CancellationToken cancellationToken,
        ProcessWatch? processes = null)
    {
        var keys = new KeySpace(workload.Keys, workload.ValueSize);
        await using var target = await BenchTargets.CreateAsync(kind, endpoints, keys, workload, cancellationToken);
        var measurement = await LoadRunner.RunAsync(target, workload, cancellationToken, processes);
        return BenchReport.Create(target.Name, endpoints, workload, measurement);
    }
}
