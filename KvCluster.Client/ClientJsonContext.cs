using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Client;

/// <summary>A page of <c>GET /v1/kv?prefix=</c>: <c>{items: [{key, version, size}], next}</c>.</summary>
internal sealed record ListPage(List<ListPageItem>? Items, string? Next);

internal sealed record ListPageItem(string Key, long Version, long Size);

/// <summary>The body of <c>POST /v1/leases</c>: the TTL in whole seconds and the id the client chose.</summary>
internal sealed record LeaseGrantBody(long TtlSeconds, string Id);

/// <summary>The members of an RFC 9457 problem the client reports (a 410 of a watch names the oldest seq).</summary>
internal sealed record ProblemBody(string? Title, string? Detail, long? OldestSeq = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ListPage))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(TxnResponseBody))]
[JsonSerializable(typeof(LeaseGrantBody))]
[JsonSerializable(typeof(WatchEventBody))]
[JsonSerializable(typeof(WatchCloseBody))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
