using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace KvCluster.Client;

/// <summary>The answer of <c>POST /v1/txn</c>.</summary>
internal sealed record TxnResponseBody(bool Succeeded, long Seq, List<TxnOpResponseBody>? Results, bool? Replayed);

internal sealed record TxnOpResponseBody(string Op, string Key, long? Version, bool? Deleted, bool? Found, string? ContentType, string? Value,
    string? ValueBase64);

/// <summary>A <see cref="KvTxn"/> as the JSON body of <c>POST /v1/txn</c>, and its answer as a <see cref="KvTxnResult"/>.</summary>
internal static class TxnWire
{
    public static byte[] Encode(KvTxn txn)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("compare");
            foreach (var compare in txn.Compare)
            {
                json.WriteStartObject();
                json.WriteString("key", compare.Key);
                if (compare.Version is { } version) json.WriteNumber("version", version);
                else if (compare.Exists is { } exists) json.WriteBoolean("exists", exists);
                else WriteValue(json, compare.Value!.Value.Span);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteBranch(json, "success", txn.Success);
            WriteBranch(json, "failure", txn.Failure);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static KvTxnResult Decode(TxnResponseBody body) => new()
    {
        Succeeded = body.Succeeded,
        Seq = body.Seq,
        Replayed = body.Replayed == true,
        Results = [.. (body.Results ?? []).Select(r => new KvTxnOpResult
        {
            Kind = r.Op switch { "put" => KvTxnOpKind.Put, "delete" => KvTxnOpKind.Delete, _ => KvTxnOpKind.Get },
            Key = r.Key,
            Version = r.Version,
            Deleted = r.Deleted,
            Found = r.Found,
            ContentType = r.ContentType,
            Value = r.Value is not null ? Encoding.UTF8.GetBytes(r.Value)
                : r.ValueBase64 is not null ? Convert.FromBase64String(r.ValueBase64)
                : (ReadOnlyMemory<byte>?)null,
        })],
    };

    private static void WriteBranch(Utf8JsonWriter json, string name, IList<KvTxnOp> ops)
    {
        json.WriteStartArray(name);
        foreach (var op in ops)
        {
            json.WriteStartObject();
            json.WriteString("op", op.Kind switch { KvTxnOpKind.Put => "put", KvTxnOpKind.Delete => "delete", _ => "get" });
            json.WriteString("key", op.Key);
            if (op.Kind == KvTxnOpKind.Put)
            {
                WriteValue(json, op.Value.Span);
                if (op.ContentType is not null) json.WriteString("contentType", op.ContentType);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    // Text as text, so the request reads as it is; other bytes as base64.
    private static void WriteValue(Utf8JsonWriter json, ReadOnlySpan<byte> value)
    {
        if (Utf8.IsValid(value)) json.WriteString("value", value);
        else json.WriteBase64String("valueBase64", value);
    }
}
