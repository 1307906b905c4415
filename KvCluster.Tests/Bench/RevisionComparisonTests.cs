using KvCluster.Bench.Comparison;
using KvCluster.Bench.Measurement;
using KvCluster.Bench.Reporting;
using KvCluster.Bench.Running;
using KvCluster.Bench.Workload;

namespace KvCluster.Tests.Bench;

/// <summary>How a before/after run (scripts/bench-compare.sh) turns the two builds' rounds into medians and changes.</summary>
public sealed class RevisionComparisonTests
{
    [Fact]
    public void A_change_is_the_median_of_the_changes_of_rounds_that_ran_next_to_each_other()
    {
        BenchReport[] before = [Cell(Scenarios.Write, 10_000, round: 1), Cell(Scenarios.Write, 12_000, round: 2), Cell(Scenarios.Write, 11_000, round: 3)];
        BenchReport[] after = [Cell(Scenarios.Write, 11_000, round: 1), Cell(Scenarios.Write, 12_600, round: 2), Cell(Scenarios.Write, 9_900, round: 3)];

        var cell = Assert.Single(RevisionComparison.Build(before, after, []));

        Assert.Equal((3, 3), cell.Rounds);
        Assert.Equal(11_000, cell.Throughput.Base);
        Assert.Equal(11_000, cell.Throughput.Head);
        Assert.Equal([0.10, 0.05, -0.10], cell.Throughput.RoundChanges.Select(change => Math.Round(change!.Value, 4)));
        Assert.Equal(0.05, cell.Throughput.Change!.Value, precision: 9);
        Assert.Equal((null, null), cell.OverEtcd);
    }

    [Fact]
    public void Each_build_is_divided_by_the_etcd_round_beside_it()
    {
        BenchReport[] before = [Cell(Scenarios.Write, 8_000, round: 1, p99: 20), Cell(Scenarios.Write, 12_000, round: 2, p99: 10)];
        BenchReport[] after = [Cell(Scenarios.Write, 10_000, round: 1, p99: 10), Cell(Scenarios.Write, 15_000, round: 2, p99: 5)];
        BenchReport[] etcd =
        [
            Cell(Scenarios.Write, 4_000, round: 1, p99: 40, target: "etcd"),
            Cell(Scenarios.Write, 6_000, round: 2, p99: 40, target: "etcd"),
        ];

        var cell = Assert.Single(RevisionComparison.Build(before, after, etcd));

        Assert.Equal((2.0, 2.5), cell.OverEtcd);
        // etcd's p99 over KvCluster's: rounds 2 and 4 for base, 4 and 8 for head; an even count's median is the mean of the two.
        Assert.Equal((3.0, 6.0), cell.EtcdP99Over);
        Assert.Equal(5_000, cell.EtcdThroughput);
        Assert.Equal(10_000, cell.Throughput.Base);
    }

    [Fact]
    public void Cpu_per_operation_is_the_clusters_without_the_load_generator_and_each_process_is_kept()
    {
        var measured = Cell(Scenarios.ReadLocal, 30_000) with
        {
            ProcessCosts = [Cost(ProcessWatch.LoadGenerator, 20), Cost("node1", 30), Cost("coordinator", 1), Cost("redis", 4)],
        };
        var generatorOnly = Cell(Scenarios.ReadLocal, 30_000) with { ProcessCosts = [Cost(ProcessWatch.LoadGenerator, 20)] };

        Assert.Equal(35, RevisionComparison.ClusterCpu(measured));
        Assert.Null(RevisionComparison.ClusterCpu(generatorOnly));
        var cell = Assert.Single(RevisionComparison.Build([measured], [measured with { ProcessCosts = [Cost("node1", 27)] }], []));
        Assert.Equal(35, cell.CpuPerOperation.Base);
        Assert.Equal(27, cell.CpuPerOperation.Head);
        Assert.Equal(20, cell.ProcessCpu[ProcessWatch.LoadGenerator].Base);
        Assert.Null(cell.ProcessCpu[ProcessWatch.LoadGenerator].Head);
    }

    [Fact]
    public void The_table_gives_each_cell_as_base_then_head_with_the_change_in_the_order_bench_sh_runs_them()
    {
        BenchReport[] before = [Cell(Scenarios.ReadLocal, 30_000), Cell(Scenarios.Write, 10_000), Cell(Scenarios.Write, 3_000, size: 10_240)];
        BenchReport[] after = [Cell(Scenarios.ReadLocal, 27_000), Cell(Scenarios.Write, 11_000), Cell(Scenarios.Write, 3_300, size: 10_240)];

        var cells = RevisionComparison.Build(before, after, []);
        string markdown = RevisionTable.Render(cells, "main~1 (abc)", "main (def)", before[0]);

        Assert.Equal([(Scenarios.Write, 100), (Scenarios.ReadLocal, 100), (Scenarios.Write, 10_240)], cells.Select(cell => (cell.Scenario, cell.ValueSize)));
        Assert.Contains("# KvCluster before and after: main~1 (abc) → main (def)", markdown);
        Assert.Contains("| write | 100 B | 1 | 10,000 → 11,000 (+10.0 %) |", markdown);
        Assert.Contains("| read-local | 100 B | 1 | 30,000 → 27,000 (−10.0 %) |", markdown);
        Assert.Contains("| write | 10 KiB | 1 | 3,000 → 3,300 (+10.0 %) |", markdown);
        Assert.Contains("None: every request of every round succeeded", markdown);
    }

    private static ProcessCost Cost(string process, double cpuMicroseconds) =>
        new() { Process = process, CpuMicrosecondsPerOperation = cpuMicroseconds, Cores = 0.5 };

    private static BenchReport Cell(string scenario, double throughput, int round = 1, double p99 = 1, int size = 100, string target = "kvcluster")
    {
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 100; i++) histogram.Record((long)(p99 * 1_000_000));
        var latency = LatencySummary.From(histogram);
        return new BenchReport
        {
            Target = target,
            Endpoints = ["http://127.0.0.1:1"],
            Workload = new WorkloadOptions { Scenario = scenario, ValueSize = size },
            StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(round),
            MeasuredSeconds = 10,
            Throughput = throughput,
            Operations = (long)(throughput * 10),
            Reads = 0,
            Writes = (long)(throughput * 10),
            Latency = latency,
            ReadLatency = LatencySummary.From(new LatencyHistogram()),
            WriteLatency = latency,
            Errors = 0,
            ErrorsByKind = new Dictionary<string, long>(),
        };
    }
}
