using System.Text.Json;
using System.Text.Json.Nodes;
using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Jepsen;

/// <summary>A <see cref="TxnInput"/> as the JSON body of <c>POST /v1/txn</c>, and its answer back as a <see cref="TxnOutput"/> (README, Transactions).</summary>
internal static class TxnWire
{
    public static string Body(TxnInput txn) => new JsonObject
    {
        ["compare"] = new JsonArray([.. txn.Compares.Select(Compare)]),
        ["success"] = new JsonArray([.. txn.Success.Select(Step)]),
        ["failure"] = new JsonArray([.. txn.Failure.Select(Step)]),
    }.ToJsonString();

    public static TxnOutput Answer(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var results = root.GetProperty("results").EnumerateArray().Select(result => new TxnStepOutput(
            Found: result.TryGetProperty("found", out var found) && found.GetBoolean(),
            Value: result.TryGetProperty("value", out var value) ? value.GetString() : null,
            Version: result.TryGetProperty("version", out var version) ? version.GetInt64() : 0,
            Deleted: result.TryGetProperty("deleted", out var deleted) && deleted.GetBoolean())).ToArray();
        return new TxnOutput(root.GetProperty("succeeded").GetBoolean(), root.GetProperty("seq").GetInt64(), results,
            Replayed: root.TryGetProperty("replayed", out var replayed) && replayed.GetBoolean());
    }

    private static JsonNode Compare(TxnCompare compare) => compare.Kind switch
    {
        TxnCompareKind.Version => new JsonObject { ["key"] = compare.Key, ["version"] = compare.Version },
        TxnCompareKind.Exists => new JsonObject { ["key"] = compare.Key, ["exists"] = compare.Exists },
        _ => new JsonObject { ["key"] = compare.Key, ["value"] = compare.Value },
    };

    private static JsonNode Step(TxnStep step) => step.Operation switch
    {
        KvOperation.Put => new JsonObject { ["op"] = "put", ["key"] = step.Key, ["value"] = step.Value, ["contentType"] = "text/plain" },
        KvOperation.Delete => new JsonObject { ["op"] = "delete", ["key"] = step.Key },
        _ => new JsonObject { ["op"] = "get", ["key"] = step.Key },
    };
}
