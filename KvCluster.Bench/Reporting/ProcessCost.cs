using System.Diagnostics;
using System.Text.Json.Serialization;
using KvCluster.Bench.Running;

namespace KvCluster.Bench.Reporting;

/// <summary>
/// What the operations of the measured window cost one process: CPU per operation and the share of a core it used,
/// and for a .NET process the bytes it allocated per operation and the collections and GC pauses in the window.
/// </summary>
public sealed record ProcessCost
{
    [JsonPropertyName("process")] public required string Process { get; init; }
    [JsonPropertyName("cpuUsPerOp")] public required double CpuMicrosecondsPerOperation { get; init; }
    [JsonPropertyName("cores")] public required double Cores { get; init; }
    [JsonPropertyName("allocatedBytesPerOp")] public double? AllocatedBytesPerOperation { get; init; }
    [JsonPropertyName("gen0Collections")] public int? Gen0Collections { get; init; }
    [JsonPropertyName("gen1Collections")] public int? Gen1Collections { get; init; }
    [JsonPropertyName("gen2Collections")] public int? Gen2Collections { get; init; }
    [JsonPropertyName("gcPauseMs")] public double? GcPauseMilliseconds { get; init; }

    /// <summary>One cost per process read at both ends of the window, in the order of the start readings.</summary>
    public static IReadOnlyList<ProcessCost> Between(IReadOnlyList<ProcessReading> start, IReadOnlyList<ProcessReading> end, long operations)
    {
        var costs = new List<ProcessCost>();
        foreach (var before in start)
        {
            if (end.FirstOrDefault(reading => reading.Process == before.Process) is not { } after) continue;
            double seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
            double cpuMs = after.CpuMilliseconds - before.CpuMilliseconds;
            var (first, last) = (before.Runtime, after.Runtime);
            costs.Add(new ProcessCost
            {
                Process = before.Process,
                CpuMicrosecondsPerOperation = operations > 0 ? Math.Round(cpuMs * 1000 / operations, 1) : 0,
                Cores = seconds > 0 ? Math.Round(cpuMs / 1000 / seconds, 2) : 0,
                // The runtime's total can fall when the server GC drops heaps (DATAS): then it says nothing about the window.
                AllocatedBytesPerOperation = first is null || last is null || operations == 0 || last.AllocatedBytes < first.AllocatedBytes
                    ? null : Math.Round((double)(last.AllocatedBytes - first.AllocatedBytes) / operations, 0),
                Gen0Collections = last?.Gen0Collections - first?.Gen0Collections,
                Gen1Collections = last?.Gen1Collections - first?.Gen1Collections,
                Gen2Collections = last?.Gen2Collections - first?.Gen2Collections,
                GcPauseMilliseconds = last is null || first is null ? null : Math.Round(last.GcPauseMilliseconds - first.GcPauseMilliseconds, 1),
            });
        }
        return costs;
    }
}
