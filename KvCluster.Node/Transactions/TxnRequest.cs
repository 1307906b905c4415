using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KvCluster.Node.Api;

namespace KvCluster.Node.Transactions;

/// <summary>The body of <c>POST /v1/txn</c>, as JSON. Unknown members are refused, so a misspelt one is not silently ignored.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class TxnRequestBody
{
    public List<TxnCompareBody?>? Compare { get; set; }
    public List<TxnOpBody?>? Success { get; set; }
    public List<TxnOpBody?>? Failure { get; set; }
}

/// <summary>One compare: a key and exactly one of <c>version</c>, <c>exists</c>, <c>value</c> or <c>valueBase64</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class TxnCompareBody
{
    public string? Key { get; set; }
    public long? Version { get; set; }
    public bool? Exists { get; set; }
    public string? Value { get; set; }
    public string? ValueBase64 { get; set; }
}

/// <summary>One operation: <c>op</c> (put, delete, get) and a key; a put also <c>value</c> or <c>valueBase64</c>, and <c>contentType</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class TxnOpBody
{
    public string? Op { get; set; }
    public string? Key { get; set; }
    public string? Value { get; set; }
    public string? ValueBase64 { get; set; }
    public string? ContentType { get; set; }
    /// <summary>Named only to be refused with a clear reason: a transaction's put cannot attach a lease (yet).</summary>
    public JsonElement? Lease { get; set; }
}

/// <summary>Why a transaction request is refused: 400 (malformed, or over <see cref="TxnLimits.MaxOperations"/>) or 413 (too large).</summary>
public readonly record struct TxnRequestError(int Status, string Title, string Detail);

/// <summary>Turns the JSON body of <c>POST /v1/txn</c> into a <see cref="Transaction"/>, or says exactly what is wrong with it.</summary>
public static class TxnRequest
{
    public const int MaxContentTypeLength = 256;

    public static bool TryParse(ReadOnlySpan<byte> json, TxnLimits limits, out Transaction transaction, out TxnRequestError error)
    {
        transaction = null!;
        TxnRequestBody? body;
        try
        {
            body = JsonSerializer.Deserialize(json, NodeJsonContext.Default.TxnRequestBody);
        }
        catch (JsonException e)
        {
            error = BadRequest($"The body is not a transaction in JSON ({Where(e)}): expected {{\"compare\": [...], \"success\": [...], \"failure\": [...]}} " +
                               "with the members described in the README.");
            return false;
        }
        if (body is null)
        {
            error = BadRequest("The body must be a JSON object with compare, success and failure lists.");
            return false;
        }

        int compareCount = body.Compare?.Count ?? 0, successCount = body.Success?.Count ?? 0, failureCount = body.Failure?.Count ?? 0;
        long operations = (long)compareCount + successCount + failureCount;
        if (operations == 0)
        {
            error = BadRequest("The transaction is empty: give at least one compare or operation.");
            return false;
        }
        if (operations > limits.MaxOperations)
        {
            error = BadRequest($"The transaction has {operations} compares and operations; the limit is {limits.MaxOperations} (Kv:Txn:MaxOperations).");
            return false;
        }

        var compares = new TxnCompare[compareCount];
        for (int i = 0; i < compareCount; i++)
        {
            if (!TryCompare(body.Compare![i], $"compare[{i}]", out compares[i], out error)) return false;
        }
        if (!TryBranch(body.Success, "success", limits, out var success, out error)) return false;
        if (!TryBranch(body.Failure, "failure", limits, out var failure, out error)) return false;

        transaction = new Transaction(compares, success, failure);
        long encoded = TxnCodec.GetEncodedLength(transaction);
        if (encoded > limits.MaxBytes)
        {
            error = new TxnRequestError(StatusCodes.Status413PayloadTooLarge, "Transaction too large",
                $"The transaction takes {encoded} bytes; the limit is {limits.MaxBytes} (Kv:Txn:MaxBytes).");
            transaction = null!;
            return false;
        }
        error = default;
        return true;
    }

    /// <summary>The first key the transaction names (compares and both branches) that does not start with <paramref name="prefix"/>, or null.</summary>
    public static string? FirstKeyOutside(Transaction transaction, string prefix)
    {
        foreach (var compare in transaction.Compare)
        {
            if (!compare.Key.StartsWith(prefix, StringComparison.Ordinal)) return compare.Key;
        }
        foreach (var op in transaction.Success.Concat(transaction.Failure))
        {
            if (!op.Key.StartsWith(prefix, StringComparison.Ordinal)) return op.Key;
        }
        return null;
    }

    private static bool TryCompare(TxnCompareBody? body, string where, out TxnCompare compare, out TxnRequestError error)
    {
        compare = null!;
        if (body is null) { error = BadRequest($"{where} is null; a compare is an object with a key."); return false; }
        if (!TryKey(body.Key, where, out string key, out error)) return false;

        int given = (body.Version is null ? 0 : 1) + (body.Exists is null ? 0 : 1) + (body.Value is null ? 0 : 1) + (body.ValueBase64 is null ? 0 : 1);
        if (given != 1)
        {
            error = BadRequest($"{where} (key '{key}') must give exactly one of version, exists, value or valueBase64; it gives {given}.");
            return false;
        }
        if (body.Version is { } version)
        {
            if (version < 0) { error = BadRequest($"{where} (key '{key}'): version {version} is negative (0 means the key does not exist)."); return false; }
            compare = TxnCompare.VersionIs(key, version);
        }
        else if (body.Exists is { } exists)
        {
            compare = TxnCompare.ExistsIs(key, exists);
        }
        else
        {
            if (!TryValue(body.Value, body.ValueBase64, where, key, out var value, out error)) return false;
            compare = TxnCompare.ValueIs(key, value);
        }
        error = default;
        return true;
    }

    private static bool TryBranch(List<TxnOpBody?>? bodies, string branch, TxnLimits limits, out TxnOp[] ops, out TxnRequestError error)
    {
        ops = new TxnOp[bodies?.Count ?? 0];
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ops.Length; i++)
        {
            string where = $"{branch}[{i}]";
            var body = bodies![i];
            if (body is null) { error = BadRequest($"{where} is null; an operation is an object with op and key."); return false; }
            if (!TryKey(body.Key, where, out string key, out error)) return false;
            if (body.Lease is not null)
            {
                error = BadRequest($"{where} (key '{key}') names a lease: a transaction's put cannot attach a key to a lease; use PUT /v1/kv/{{key}}?lease=.");
                return false;
            }
            switch (body.Op)
            {
                case "put":
                    if (body.Value is null && body.ValueBase64 is null)
                    {
                        error = BadRequest($"{where} (key '{key}') is a put without value or valueBase64 (give \"value\": \"\" for an empty value).");
                        return false;
                    }
                    if (!TryValue(body.Value, body.ValueBase64, where, key, out var value, out error)) return false;
                    if (value.Length > limits.MaxValueBytes)
                    {
                        error = new TxnRequestError(StatusCodes.Status413PayloadTooLarge, "Value too large",
                            $"{where} (key '{key}') puts {value.Length} bytes; values are limited to {limits.MaxValueBytes} bytes (Kv:MaxValueBytes).");
                        return false;
                    }
                    string contentType = body.ContentType ?? "";
                    if (contentType.Length > MaxContentTypeLength)
                    {
                        error = BadRequest($"{where} (key '{key}'): contentType is limited to {MaxContentTypeLength} characters.");
                        return false;
                    }
                    ops[i] = TxnOp.Put(key, value, contentType);
                    break;
                case "delete" or "get":
                    if (body.Value is not null || body.ValueBase64 is not null || body.ContentType is not null)
                    {
                        error = BadRequest($"{where} (key '{key}') is a {body.Op}: value, valueBase64 and contentType belong to a put.");
                        return false;
                    }
                    ops[i] = body.Op == "delete" ? TxnOp.Delete(key) : TxnOp.Get(key);
                    break;
                case null:
                    error = BadRequest($"{where} (key '{key}') has no op: give \"op\": \"put\", \"delete\" or \"get\".");
                    return false;
                default:
                    error = BadRequest($"{where} (key '{key}') has the unknown op '{body.Op}': ops are put, delete and get.");
                    return false;
            }
            if (ops[i].Kind != TxnOpKind.Get && !written.Add(key))
            {
                error = BadRequest($"{where} writes key '{key}' a second time in the {branch} branch; a branch may put or delete a key once.");
                return false;
            }
        }
        error = default;
        return true;
    }

    private static bool TryKey(string? key, string where, out string valid, out TxnRequestError error)
    {
        valid = key ?? "";
        if (key is null) { error = BadRequest($"{where} has no key."); return false; }
        if (!KeyPath.IsValidKey(key, out string reason)) { error = BadRequest($"{where}: {reason}"); return false; }
        error = default;
        return true;
    }

    private static bool TryValue(string? text, string? base64, string where, string key, out byte[] value, out TxnRequestError error)
    {
        value = [];
        if (text is not null && base64 is not null)
        {
            error = BadRequest($"{where} (key '{key}') gives both value and valueBase64; give one.");
            return false;
        }
        if (text is not null)
        {
            value = Encoding.UTF8.GetBytes(text);
        }
        else if (base64 is not null)
        {
            var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
            if (!Convert.TryFromBase64String(base64, decoded, out int length))
            {
                error = BadRequest($"{where} (key '{key}'): valueBase64 is not valid base64.");
                return false;
            }
            value = decoded.AsSpan(0, length).ToArray();
        }
        error = default;
        return true;
    }

    private static string Where(JsonException e) =>
        e.Path is { Length: > 0 } path ? $"at {path}, line {e.LineNumber + 1}" : $"line {e.LineNumber + 1}";

    private static TxnRequestError BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid transaction", detail);
}
