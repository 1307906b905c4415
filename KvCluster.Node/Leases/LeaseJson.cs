using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Node.Leases;

/// <summary>Body of POST /v1/leases: the TTL, and optionally the id the client wants (16 lowercase hex digits).</summary>
public sealed record LeaseGrantRequest(long? TtlSeconds, string? Id);

/// <summary>Answer of POST /v1/leases and of a keep-alive: the lease and the TTL each keep-alive restores.</summary>
public sealed record LeaseGranted(string Id, long TtlSeconds);

/// <summary>Answer of GET /v1/leases/{id}: TTL, time left (from Redis), and the keys attached (from this replica).</summary>
public sealed record LeaseDescription(string Id, long TtlSeconds, double RemainingSeconds, IReadOnlyList<string> Keys);

/// <summary>Answer of GET /v1/leases: the ids of the leases held, in ordinal order.</summary>
public sealed record LeaseList(IReadOnlyList<string> Leases);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(LeaseGrantRequest))]
[JsonSerializable(typeof(LeaseGranted))]
[JsonSerializable(typeof(LeaseDescription))]
[JsonSerializable(typeof(LeaseList))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
