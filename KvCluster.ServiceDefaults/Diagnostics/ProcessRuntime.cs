using System.Text.Json.Serialization;

namespace KvCluster.ServiceDefaults.Diagnostics;

/// <summary>
/// This process's CPU time and garbage-collector totals since it started (GET /v1/runtime on every service).
/// Two readings around a measured window, divided by the operations in it, give the cost of an operation in each
/// process — what scripts/bench.sh reports per process — without dotnet-counters or a collector.
/// </summary>
public sealed record ProcessRuntime(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("cpuMs")] double CpuMilliseconds,
    [property: JsonPropertyName("allocatedBytes")] long AllocatedBytes,
    [property: JsonPropertyName("gen0Collections")] int Gen0Collections,
    [property: JsonPropertyName("gen1Collections")] int Gen1Collections,
    [property: JsonPropertyName("gen2Collections")] int Gen2Collections,
    [property: JsonPropertyName("gcPauseMs")] double GcPauseMilliseconds,
    [property: JsonPropertyName("heapBytes")] long HeapBytes)
{
    /// <summary>The readings now, under the name <paramref name="service"/> (OTEL_SERVICE_NAME for the services).</summary>
    public static ProcessRuntime Now(string service) => new(
        service,
        Environment.CpuUsage.TotalTime.TotalMilliseconds,
        GC.GetTotalAllocatedBytes(precise: true),
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalMilliseconds,
        GC.GetGCMemoryInfo().HeapSizeBytes);
}

[JsonSerializable(typeof(ProcessRuntime))]
public sealed partial class ProcessRuntimeJsonContext : JsonSerializerContext;
