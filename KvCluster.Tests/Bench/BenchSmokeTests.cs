using System.Text.Json;
using KvCluster.Bench.Cli;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Bench;

/// <summary>The bench runs briefly against a real cluster and writes a well-formed report (timing is not judged here).</summary>
[Collection(ClusterCollection.Name)]
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_mixed_run_against_a_cluster_reports_throughput_latency_and_no_errors()
    {
        await using var cluster = await TestCluster.StartAsync(output);
        string json = Path.Combine(cluster.StateDirectory, "bench", "report.json");
        string[] endpoints = [.. cluster.Nodes.SelectMany(node => new[] { "--endpoint", node.Url.ToString() })];
        using var console = new StringWriter();

        int exitCode = await BenchCommandLine.InvokeAsync(
            ["run", "--target", "kvcluster", .. endpoints, "--connections", "4", "--duration", "2", "--warmup", "0.5",
             "--keys", "50", "--read-ratio", "0.5", "--consistency", "session", "--prefill", "--scenario", "smoke", "--json", json,
             "--watch", cluster.Coordinator.Url.ToString(), "--watch-redis", cluster.RedisConnectionString],
            console);
        output.WriteLine(console.ToString());

        Assert.Equal(0, exitCode);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.Equal("kvcluster", root.GetProperty("target").GetString());
        Assert.Equal("smoke", root.GetProperty("workload").GetProperty("scenario").GetString());
        Assert.Equal(3, root.GetProperty("endpoints").GetArrayLength());
        Assert.True(root.GetProperty("throughput").GetDouble() > 0, "no throughput");
        Assert.True(root.GetProperty("reads").GetInt64() > 0, "no reads");
        Assert.True(root.GetProperty("writes").GetInt64() > 0, "no writes");
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.Equal(0, root.GetProperty("prefillErrors").GetInt64());
        Assert.Empty(root.GetProperty("errorsByKind").EnumerateObject());

        var latency = root.GetProperty("latencyMs");
        double p50 = latency.GetProperty("p50").GetDouble();
        double p99 = latency.GetProperty("p99").GetDouble();
        double max = latency.GetProperty("max").GetDouble();
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= max, $"percentiles out of order: p50 {p50}, p99 {p99}, max {max}");
        Assert.Equal(root.GetProperty("operations").GetInt64(), latency.GetProperty("count").GetInt64());
        Assert.Contains("throughput", console.ToString());

        // What the window's operations cost each process: every one did work, and the .NET ones allocated. Redis's
        // rewrites are there too, with no CPU unless one ended within this short window.
        var costs = root.GetProperty("processCosts").EnumerateArray().ToDictionary(cost => cost.GetProperty("process").GetString()!);
        Assert.Equal(["coordinator", "load generator", "node1", "node2", "node3", "redis", "redis rewrites"], costs.Keys.Order());
        string[] redis = ["redis", "redis rewrites"];
        Assert.All(costs.Where(cost => cost.Key != "redis rewrites"),
            cost => Assert.True(cost.Value.GetProperty("cpuUsPerOp").GetDouble() > 0, $"no CPU in {cost}"));
        Assert.True(costs["redis rewrites"].GetProperty("cpuUsPerOp").GetDouble() >= 0);
        Assert.All(costs.Where(cost => !redis.Contains(cost.Key)), cost => Assert.True(cost.Value.GetProperty("allocatedBytesPerOp").GetDouble() > 0));
        Assert.All(redis, name => Assert.False(costs[name].TryGetProperty("allocatedBytesPerOp", out _)));
        Assert.Contains("cost per operation", console.ToString());

        // The side-by-side tabulation takes the run's cells and says how long the systems were warmed up.
        string tables = Path.Combine(cluster.StateDirectory, "bench", "tables");
        int compareExit = await BenchCommandLine.InvokeAsync(
            ["compare", "--input", Path.GetDirectoryName(json)!, "--output", tables, "--system-warmup", "30"], new StringWriter());
        Assert.Equal(0, compareExit);
        Assert.Contains("each system had 30 s of unmeasured load", await File.ReadAllTextAsync(Path.Combine(tables, "results.md")));
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(tables, "results.json")));
        Assert.Equal(30, results.RootElement.GetProperty("systemWarmupSeconds").GetDouble());
        Assert.Single(results.RootElement.GetProperty("cells").EnumerateArray());
        cluster.AssertNoErrorsLogged();
    }
}
