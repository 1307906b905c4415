using System.Text.Json.Serialization;
using KvCluster.Bench.Memory;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>One side-by-side run: every cell's report and the ratios issue 7 sets targets for (results.json).</summary>
public sealed record ComparisonResults
{
    [JsonPropertyName("generatedAt")] public required DateTimeOffset GeneratedAt { get; init; }
    [JsonPropertyName("machine")] public required MachineDescription Machine { get; init; }
    [JsonPropertyName("goals")] public required IReadOnlyList<GoalResult> Goals { get; init; }
    /// <summary>Each cell's median round (<see cref="MedianRound"/>): what the table and the ratios use.</summary>
    [JsonPropertyName("cells")] public required IReadOnlyList<BenchReport> Cells { get; init; }

    /// <summary>Every round measured, the median ones included.</summary>
    [JsonPropertyName("rounds")] public required IReadOnlyList<BenchReport> Rounds { get; init; }

    /// <summary>Managed heap per stored key in a node's state machine, when the run measured it.</summary>
    [JsonPropertyName("memory")] public MemoryReport? Memory { get; init; }

    /// <summary>Seconds of unmeasured load each system had before its first cell (JIT and caches settled).</summary>
    [JsonPropertyName("systemWarmupSeconds")] public double SystemWarmupSeconds { get; init; }
}

public sealed record MachineDescription(
    [property: JsonPropertyName("processors")] int Processors,
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("runtime")] string Runtime);

/// <summary>
/// A target of issue 7, as measured. <c>KvCluster</c> and <c>Reference</c> are the two cells' median rounds;
/// <c>Ratio</c> is the median of <see cref="RoundRatios"/>, KvCluster over the reference round by round (for latency:
/// reference over KvCluster, so higher is better everywhere).
/// </summary>
public sealed record GoalResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("valueSize")] int ValueSize,
    [property: JsonPropertyName("goal")] string Goal,
    [property: JsonPropertyName("kvcluster")] double? KvCluster,
    [property: JsonPropertyName("reference")] double? Reference,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("met")] bool Met)
{
    /// <summary>The ratio in each round, in the order the rounds ran (<see cref="PairedRatio"/>).</summary>
    [JsonPropertyName("roundRatios")] public IReadOnlyList<double> RoundRatios { get; init; } = [];
}
