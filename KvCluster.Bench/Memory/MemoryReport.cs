using System.Text.Json.Serialization;

namespace KvCluster.Bench.Memory;

/// <summary>Managed heap a replica's state machine holds per stored key, and what it is made of.</summary>
public sealed record MemoryReport
{
    [JsonPropertyName("keys")] public required int Keys { get; init; }
    [JsonPropertyName("valueSize")] public required int ValueSize { get; init; }
    [JsonPropertyName("keyLength")] public required int KeyLength { get; init; }
    [JsonPropertyName("heapBytes")] public required long HeapBytes { get; init; }
    [JsonPropertyName("bytesPerKey")] public required double BytesPerKey { get; init; }

    /// <summary>Bytes per key beyond the value's own bytes.</summary>
    [JsonPropertyName("overheadPerKey")] public required double OverheadPerKey { get; init; }

    /// <summary>Bytes per key by part (measured by building the same parts alone), the remainder under "index and dictionary".</summary>
    [JsonPropertyName("breakdown")] public required IReadOnlyDictionary<string, double> Breakdown { get; init; }
    [JsonPropertyName("applySeconds")] public required double ApplySeconds { get; init; }
}
