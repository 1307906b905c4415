using System.Text.Json.Serialization;
using KvCluster.Bench.Comparison;
using KvCluster.Bench.Memory;

namespace KvCluster.Bench.Reporting;

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(ComparisonResults))]
[JsonSerializable(typeof(MemoryReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
