using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// Every answer of the kevinDB routes: the assignment's fields, each present only when that answer has it
/// (e.g. <c>{"message":"Added successfully","replaced":false,"causal-metadata":"7"}</c>).
/// </summary>
internal sealed record KevinDbAnswer
{
    [JsonPropertyName("message")] public required string Message { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("doesExist")] public bool? DoesExist { get; init; }
    [JsonPropertyName("replaced")] public bool? Replaced { get; init; }
    [JsonPropertyName("value")] public JsonElement? Value { get; init; }
    [JsonPropertyName("view")] public string? View { get; init; }
    [JsonPropertyName("causal-metadata")] public string? CausalMetadata { get; init; }
}

/// <summary>GET /api/v1/{key}: <c>{"value": ...}</c>.</summary>
internal sealed record BoxerValueAnswer(JsonElement Value);

/// <summary>PUT/POST /api/v1/{key}: <c>{"key":"k","version":7,"created":true}</c> (version = the write's seq).</summary>
internal sealed record BoxerWriteAnswer(string Key, long Version, bool Created);

/// <summary>DELETE /api/v1/{key}: <c>{"key":"k","deleted":true}</c>.</summary>
internal sealed record BoxerDeleteAnswer(string Key, bool Deleted);

/// <summary>Any boxer-db error: <c>{"error":"key not found","key":"k"}</c> (key only when there is one).</summary>
internal sealed record BoxerError(string Error, string? Key = null);

/// <summary>GET /api/v1/role: this node's role in KvCluster's terms. Every node is a replica that accepts writes.</summary>
internal sealed record BoxerRole(string Role, string NodeId, bool AcceptsWrites, long Applied, long Head, bool CaughtUp);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KevinDbAnswer))]
[JsonSerializable(typeof(BoxerValueAnswer))]
[JsonSerializable(typeof(BoxerWriteAnswer))]
[JsonSerializable(typeof(BoxerDeleteAnswer))]
[JsonSerializable(typeof(BoxerError))]
[JsonSerializable(typeof(BoxerRole))]
[JsonSerializable(typeof(string))]
internal sealed partial class CompatJsonContext : JsonSerializerContext;
