using KvCluster.Bench.Comparison;
using KvCluster.Bench.Measurement;
using KvCluster.Bench.Reporting;
using KvCluster.Bench.Workload;

namespace KvCluster.Tests.Bench;

/// <summary>How the side-by-side table pairs the cells of one run into the ratios of issue 7.</summary>
public sealed class ComparisonBuilderTests
{
    [Fact]
    public void Local_reads_of_each_size_are_compared_with_the_trivial_endpoint_measured_next_to_them()
    {
        BenchReport[] cells =
        [
            Cell("trivial", Scenarios.Trivial, 100, throughput: 40_000),
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 30_000),
            Cell("trivial", Scenarios.Trivial, 10240, throughput: 20_000),
            Cell("kvcluster", Scenarios.ReadLocal, 10240, throughput: 16_000),
        ];

        var goals = LocalReadGoals(cells);

        Assert.Equal(0.75, goals[100].Ratio);
        Assert.Equal(40_000, goals[100].Reference);
        Assert.Equal(0.8, goals[10240].Ratio);
        Assert.Equal(20_000, goals[10240].Reference);
    }

    [Fact]
    public void A_size_whose_trivial_endpoint_was_not_measured_has_no_ceiling_rather_than_another_sizes()
    {
        BenchReport[] cells =
        [
            Cell("trivial", Scenarios.Trivial, 100, throughput: 40_000),
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 30_000),
            Cell("kvcluster", Scenarios.ReadLocal, 10240, throughput: 20_000),
        ];

        var goals = LocalReadGoals(cells);

        Assert.Equal(0.75, goals[100].Ratio);
        Assert.Null(goals[10240].Reference);
        Assert.Null(goals[10240].Ratio);
        Assert.False(goals[10240].Met);
    }

    [Fact]
    public void Each_cell_is_its_median_round_and_the_tables_list_every_round_in_the_order_they_ran()
    {
        BenchReport[] rounds =
        [
            Cell("kvcluster", Scenarios.Write, 100, throughput: 10_000, round: 1),
            Cell("etcd", Scenarios.Write, 100, throughput: 3_000, round: 1),
            Cell("kvcluster", Scenarios.Write, 100, throughput: 14_000, round: 2),
            Cell("etcd", Scenarios.Write, 100, throughput: 4_000, round: 2),
            Cell("kvcluster", Scenarios.Write, 100, throughput: 12_000, round: 3),
            Cell("etcd", Scenarios.Write, 100, throughput: 2_000, round: 3),
        ];

        var results = ComparisonBuilder.Build(rounds);

        var writes = results.Goals.Single(goal => goal.Name == "writes vs etcd");
        Assert.Equal(12_000, writes.KvCluster);
        Assert.Equal(3_000, writes.Reference);
        Assert.Equal(3.5, writes.Ratio); // the rounds' ratios 3.33, 3.5 and 6
        Assert.Equal(2, results.Cells.Count);
        Assert.Equal(6, results.Rounds.Count);
        string markdown = MarkdownTable.Render(results);
        Assert.Contains("Each cell ran 3 times", markdown);
        Assert.Contains("| write | 100 B | 10,000 · 14,000 · **12,000** | **3,000** · 4,000 · 2,000 | – | – |", markdown);
    }

    [Fact]
    public void A_targets_ratio_is_the_median_of_the_ratios_of_rounds_that_ran_next_to_each_other()
    {
        // Shaped like a real run's: the two cells' medians come from different rounds (KvCluster's third, etcd's first),
        // so dividing them (3.03×) compares two spells of the machine; each round's two cells ran next to each other.
        BenchReport[] rounds =
        [
            Cell("kvcluster", Scenarios.Write, 100, throughput: 9_400, round: 1, p99: 10),
            Cell("etcd", Scenarios.Write, 100, throughput: 3_300, round: 1, p99: 30),
            Cell("kvcluster", Scenarios.Write, 100, throughput: 11_500, round: 2, p99: 20),
            Cell("etcd", Scenarios.Write, 100, throughput: 3_600, round: 2, p99: 50),
            Cell("kvcluster", Scenarios.Write, 100, throughput: 10_000, round: 3, p99: 12),
            Cell("etcd", Scenarios.Write, 100, throughput: 3_100, round: 3, p99: 24),
        ];

        var results = ComparisonBuilder.Build(rounds);

        var writes = results.Goals.Single(goal => goal.Name == "writes vs etcd");
        Assert.Equal(10_000, writes.KvCluster);
        Assert.Equal(3_300, writes.Reference);
        Assert.Equal([2.85, 3.19, 3.23], writes.RoundRatios);
        Assert.Equal(3.19, writes.Ratio);
        Assert.False(writes.Met);
        var latency = results.Goals.Single(goal => goal.Name == "p99 write latency (ms) vs etcd");
        Assert.Equal([3.0, 2.5, 2.0], latency.RoundRatios);
        Assert.Equal(2.5, latency.Ratio);
        Assert.True(latency.Met);
        string markdown = MarkdownTable.Render(results);
        Assert.Contains("| writes vs etcd | 100 B | ≥ 4× | 10,000 | 3,300 | 3.19× | 2.85 · 3.19 · 3.23 | **no** |", markdown);
        Assert.Contains("| write | 100 B | 10,000 | 12.00 / 12.00 | 3,300 | 30.00 / 30.00 | – | – | 3.19× |", markdown);
    }

    [Fact]
    public void A_round_measured_on_one_side_only_is_left_out_of_the_ratio()
    {
        BenchReport[] rounds =
        [
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 30_000, round: 1),
            Cell("trivial", Scenarios.Trivial, 100, throughput: 40_000, round: 1),
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 36_000, round: 2),
        ];

        var goal = LocalReadGoals(rounds)[100];

        Assert.Equal([0.75], goal.RoundRatios);
        Assert.Equal(0.75, goal.Ratio);
        Assert.True(goal.Met);
    }

    [Fact]
    public void Results_say_where_the_median_round_of_each_watched_cell_spent_its_cpu()
    {
        BenchReport[] rounds =
        [
            Cell("kvcluster", Scenarios.Write, 100, throughput: 9_000, round: 1) with { ProcessCosts = [Cost("load generator", 40), Cost("node-1", 70), Cost("redis", 30)] },
            Cell("kvcluster", Scenarios.Write, 100, throughput: 10_000, round: 2) with { ProcessCosts = [Cost("load generator", 35), Cost("node-1", 60), Cost("redis", 25)] },
            Cell("kvcluster", Scenarios.Write, 100, throughput: 11_000, round: 3) with { ProcessCosts = [Cost("load generator", 30), Cost("node-1", 50), Cost("redis", 20)] },
            Cell("redis", Scenarios.Write, 100, throughput: 50_000) with { ProcessCosts = [Cost("load generator", 12), Cost("redis", 9)] },
            Cell("etcd", Scenarios.Write, 100, throughput: 3_000) with { ProcessCosts = [Cost("load generator", 50)] },
        ];

        string markdown = MarkdownTable.Render(ComparisonBuilder.Build(rounds));

        Assert.Contains("| system | workload | value | load generator | node-1 | redis | all |", markdown);
        Assert.Contains("| KvCluster | write | 100 B | 35.0 | 60.0 | 25.0 | 120.0 |", markdown);
        Assert.Contains("| Redis | write | 100 B | 12.0 | – | 9.0 | 21.0 |", markdown);
        Assert.DoesNotContain("| etcd | write |", markdown); // nothing but the load generator was watched
    }

    [Fact]
    public void With_an_even_number_of_rounds_the_lower_middle_one_stands_for_the_cell()
    {
        BenchReport[] rounds =
        [
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 30_000, round: 1),
            Cell("kvcluster", Scenarios.ReadLocal, 100, throughput: 20_000, round: 2),
        ];

        Assert.Equal(20_000, Assert.Single(MedianRound.Of(rounds)).Throughput);
    }

    private static ProcessCost Cost(string process, double cpuMicroseconds) =>
        new() { Process = process, CpuMicrosecondsPerOperation = cpuMicroseconds, Cores = 0.5 };

    private static Dictionary<int, GoalResult> LocalReadGoals(BenchReport[] cells) =>
        ComparisonBuilder.Build(cells).Goals.Where(goal => goal.Name == "local reads vs trivial endpoint").ToDictionary(goal => goal.ValueSize);

    private static BenchReport Cell(string target, string scenario, int valueSize, double throughput, int round = 1, double? p99 = null)
    {
        var latency = new LatencyHistogram();
        latency.Record(1_000);
        var summary = LatencySummary.From(latency);
        var writeLatency = LatencySummary.From(new LatencyHistogram());
        if (p99 is { } ms)
        {
            var writes = new LatencyHistogram();
            for (int i = 0; i < 100; i++) writes.Record((long)(ms * 1_000_000));
            writeLatency = LatencySummary.From(writes);
            summary = writeLatency;
        }
        return new BenchReport
        {
            Target = target,
            Endpoints = ["http://127.0.0.1:1"],
            Workload = new WorkloadOptions { Scenario = scenario, ValueSize = valueSize, ReadRatio = 1 },
            StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(round),
            MeasuredSeconds = 10,
            Throughput = throughput,
            Operations = (long)(throughput * 10),
            Reads = (long)(throughput * 10),
            Writes = 0,
            Latency = summary,
            ReadLatency = summary,
            WriteLatency = writeLatency,
            Errors = 0,
            ErrorsByKind = new Dictionary<string, long>(),
        };
    }
}
