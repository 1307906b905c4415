using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Node.Api;

/// <summary>Answer of PUT /v1/kv/{key}.</summary>
public sealed record PutResponse(string Key, long Version, bool Created);

/// <summary>Answer of GET /v1/kv?prefix=: one page, and the cursor for the next (null on the last page).</summary>
public sealed record ListResponse(IReadOnlyList<ListItem> Items, string? Next);

public sealed record ListItem(string Key, long Version, int Size);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PutResponse))]
[JsonSerializable(typeof(ListResponse))]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(SnapshotTaken))]
[JsonSerializable(typeof(Transactions.TxnRequestBody))]
[JsonSerializable(typeof(Transactions.TxnResponse))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;
