using KvCluster.Bench.Reporting;
using KvCluster.Bench.Running;
using KvCluster.ServiceDefaults.Diagnostics;

namespace KvCluster.Tests.Bench;

public sealed class ProcessWatchTests
{
    [Fact]
    public void Redis_cpu_is_the_main_process_system_and_user_time_and_apart_from_it_its_children()
    {
        const string info = "# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\nused_cpu_sys_children:9.0\r\nused_cpu_user_children:0.5\r\n";
        Assert.Equal(3750, ProcessWatch.RedisCpuMilliseconds(info), precision: 6);
        Assert.Equal(9500, ProcessWatch.RedisCpuMilliseconds(info, children: true), precision: 6);
        Assert.Throws<FormatException>(() => ProcessWatch.RedisCpuMilliseconds("# CPU\r\nused_cpu_sys:1.0\r\n"));
        Assert.Throws<FormatException>(() => ProcessWatch.RedisCpuMilliseconds("# CPU\r\nused_cpu_sys:1.0\r\nused_cpu_user:1.0\r\n", children: true));
    }

    [Fact]
    public void Costs_are_the_differences_per_operation_for_processes_read_at_both_ends()
    {
        long start = 1_000_000;
        long end = start + System.Diagnostics.Stopwatch.Frequency * 2; // two seconds later
        ProcessReading[] atStart =
        [
            new("node-1", start, 1_000, new ProcessRuntime("node-1", 1_000, 10_000, 1, 0, 0, 5, 0)),
            new("redis", start, 500, null),
            new("gone", start, 100, null),
        ];
        ProcessReading[] atEnd =
        [
            new("redis", end, 900, null),
            new("node-1", end, 2_000, new ProcessRuntime("node-1", 2_000, 410_000, 4, 1, 0, 12.5, 0)),
        ];

        var costs = ProcessCost.Between(atStart, atEnd, operations: 2_000);

        Assert.Equal(["node-1", "redis"], costs.Select(cost => cost.Process));
        var node = costs[0];
        Assert.Equal(500, node.CpuMicrosecondsPerOperation);   // 1,000 ms over 2,000 operations
        Assert.Equal(0.5, node.Cores);                          // 1 s of CPU in 2 s
        Assert.Equal(200, node.AllocatedBytesPerOperation);
        Assert.Equal((3, 1, 0), (node.Gen0Collections, node.Gen1Collections, node.Gen2Collections));
        Assert.Equal(7.5, node.GcPauseMilliseconds);
        var redis = costs[1];
        Assert.Equal(200, redis.CpuMicrosecondsPerOperation);
        Assert.Null(redis.AllocatedBytesPerOperation);
        Assert.Null(redis.Gen0Collections);
    }

    [Fact]
    public void An_allocation_total_that_fell_during_the_window_gives_no_allocation_figure()
    {
        ProcessReading[] atStart = [new("node-1", 0, 1_000, new ProcessRuntime("node-1", 1_000, 500_000, 1, 0, 0, 5, 0))];
        ProcessReading[] atEnd = [new("node-1", 1_000, 2_000, new ProcessRuntime("node-1", 2_000, 400_000, 2, 0, 0, 6, 0))];

        var cost = Assert.Single(ProcessCost.Between(atStart, atEnd, operations: 100));

        Assert.Null(cost.AllocatedBytesPerOperation);
        Assert.Equal(10_000, cost.CpuMicrosecondsPerOperation);
    }
}
