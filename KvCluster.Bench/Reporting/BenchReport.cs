using System.Text.Json.Serialization;
using KvCluster.Bench.Measurement;
using KvCluster.Bench.Running;
using KvCluster.Bench.Workload;

namespace KvCluster.Bench.Reporting;

/// <summary>One run's results, as written to JSON (the shape docs/benchmarks/results.json collects).</summary>
public sealed record BenchReport
{
    [JsonPropertyName("target")] public required string Target { get; init; }
    [JsonPropertyName("endpoints")] public required IReadOnlyList<string> Endpoints { get; init; }
    [JsonPropertyName("workload")] public required WorkloadOptions Workload { get; init; }
    [JsonPropertyName("startedAt")] public required DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("measuredSeconds")] public required double MeasuredSeconds { get; init; }

    /// <summary>Successful operations per second over the measured window.</summary>
    [JsonPropertyName("throughput")] public required double Throughput { get; init; }
    [JsonPropertyName("operations")] public required long Operations { get; init; }
    [JsonPropertyName("reads")] public required long Reads { get; init; }
    [JsonPropertyName("writes")] public required long Writes { get; init; }

    /// <summary>Latency of every successful operation (open loop: from when it was due).</summary>
    [JsonPropertyName("latencyMs")] public required LatencySummary Latency { get; init; }
    [JsonPropertyName("readLatencyMs")] public required LatencySummary ReadLatency { get; init; }
    [JsonPropertyName("writeLatencyMs")] public required LatencySummary WriteLatency { get; init; }

    /// <summary>Open loop only: from when a request really went out, for comparison with <see cref="Latency"/>.</summary>
    [JsonPropertyName("serviceTimeMs")] public LatencySummary? ServiceTime { get; init; }

    /// <summary>Failed operations in the measured window: non-2xx answers and exceptions, by kind.</summary>
    [JsonPropertyName("errors")] public required long Errors { get; init; }
    [JsonPropertyName("errorsByKind")] public required IReadOnlyDictionary<string, long> ErrorsByKind { get; init; }

    /// <summary>What the measured window's operations cost each watched process (the load generator always).</summary>
    [JsonPropertyName("processCosts")] public IReadOnlyList<ProcessCost> ProcessCosts { get; init; } = [];

    [JsonPropertyName("prefillSeconds")] public double PrefillSeconds { get; init; }
    [JsonPropertyName("prefillErrors")] public long PrefillErrors { get; init; }

    public static BenchReport Create(string target, IReadOnlyList<string> endpoints, WorkloadOptions workload, RunMeasurement measurement)
    {
        var all = new LatencyHistogram();
        all.Add(measurement.Reads);
        all.Add(measurement.Writes);
        long operations = all.Count;
        return new BenchReport
        {
            Target = target,
            Endpoints = endpoints,
            Workload = workload,
            StartedAt = measurement.StartedAt,
            MeasuredSeconds = measurement.MeasuredSeconds,
            Throughput = Math.Round(operations / measurement.MeasuredSeconds, 1),
            Operations = operations,
            Reads = measurement.Reads.Count,
            Writes = measurement.Writes.Count,
            Latency = LatencySummary.From(all),
            ReadLatency = LatencySummary.From(measurement.Reads),
            WriteLatency = LatencySummary.From(measurement.Writes),
            ServiceTime = workload.IsOpenLoop ? LatencySummary.From(measurement.ServiceTime) : null,
            Errors = measurement.Errors.Values.Sum(),
            ErrorsByKind = measurement.Errors,
            PrefillSeconds = Math.Round(measurement.PrefillSeconds, 3),
            PrefillErrors = measurement.PrefillErrors,
            ProcessCosts = ProcessCost.Between(measurement.ProcessesAtStart, measurement.ProcessesAtEnd, operations),
        };
    }
}
