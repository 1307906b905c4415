using System.Text.Json.Serialization;

namespace KvCluster.Bench.Workload;

/// <summary>What load to offer, the same for every target.</summary>
public sealed record WorkloadOptions
{
    /// <summary>A short name for the mix, e.g. "write" or "read-local"; carried into the report.</summary>
    [JsonPropertyName("scenario")] public string Scenario { get; init; } = "custom";

    /// <summary>Concurrent connections, each with at most one request outstanding.</summary>
    [JsonPropertyName("connections")] public int Connections { get; init; } = 64;

    /// <summary>Open loop at this many requests per second in all; null runs a closed loop (each connection sends again at once).</summary>
    [JsonPropertyName("rate")] public double? Rate { get; init; }

    [JsonPropertyName("durationSeconds")] public double DurationSeconds { get; init; } = 10;

    /// <summary>Load offered before measuring, so connections, JIT and caches are warm.</summary>
    [JsonPropertyName("warmupSeconds")] public double WarmupSeconds { get; init; } = 2;

    [JsonPropertyName("keys")] public int Keys { get; init; } = 10_000;

    [JsonPropertyName("distribution")] public KeyDistribution Distribution { get; init; } = KeyDistribution.Uniform;

    [JsonPropertyName("valueSize")] public int ValueSize { get; init; } = 100;

    /// <summary>Share of operations that are reads, 0–1.</summary>
    [JsonPropertyName("readRatio")] public double ReadRatio { get; init; }

    [JsonPropertyName("consistency")] public ReadConsistency Consistency { get; init; } = ReadConsistency.Linearizable;

    /// <summary>Write every key once before the warmup, so reads find them.</summary>
    [JsonPropertyName("prefill")] public bool Prefill { get; init; }

    [JsonIgnore] public bool IsOpenLoop => Rate is not null;

    /// <summary>The first problem with these options, or null.</summary>
    public string? Validate()
    {
        if (Connections < 1) return "--connections must be at least 1.";
        if (Rate is <= 0) return "--rate must be positive.";
        if (DurationSeconds <= 0) return "--duration must be positive.";
        if (WarmupSeconds < 0) return "--warmup must not be negative.";
        if (Keys < 1) return "--keys must be at least 1.";
        if (ValueSize < 0) return "--value-size must not be negative.";
        if (ReadRatio is < 0 or > 1) return "--read-ratio must be between 0 and 1.";
        return null;
    }
}
