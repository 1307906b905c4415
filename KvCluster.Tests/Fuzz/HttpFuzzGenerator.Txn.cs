using System.Text;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// <c>POST /v1/txn</c>: well-formed transactions (compares on versions, existence and values; puts, deletes and gets)
/// mixed with hostile parts (unknown ops and members, wrong types, keys in encoding trouble, a lease on a put, a key
/// written twice), broken JSON, deep nesting, too many operations and too many bytes; with and without Idempotency-Key.
/// A transaction puts and deletes only keys under its request's own prefix, so one that succeeded shows in the keyspace
/// as any write does; compares and gets may name any key, as they change nothing.
/// </summary>
internal sealed partial class HttpFuzzGenerator
{
    // What may follow the prefix in a key, as JSON string content: %-text (a key is not URL-decoded here), escapes and
    // characters the key rules accept; and those they refuse (controls, a lone surrogate, too long).
    private static readonly string[] OddKeySuffixes =
    [
        "b/c", "", "/", "..", "%2F", "%zz", "%00", "\\u00e9", "\u00e9", "\\ud83d\\ude00", "\\u200b", "\\\\", "\\\"", "\\/", "\uFEFF", "k k",
        new string('k', 1000),
    ];
    private static readonly string[] BadKeySuffixes =
    [
        "\\u0000", "\\u001f", "\\u007f", "\\u0085", "\\n", "\\ud800", "\\udc00x", new string('k', 1020),
    ];
    private static readonly string[] TxnVersions = ["0", "1", "2", "-1", "9223372036854775807", "9223372036854775808", "1.5", "\"1\"", "null", "1e2", "[]"];
    private static readonly string[] TxnOps = ["put", "put", "put", "delete", "delete", "get", "get", "PUT", "cas", "", "range", "5", "null"];

    private FuzzRequest TxnRequest(int index)
    {
        string prefix = $"fz/{runId}/{index}/";
        byte[] body = TxnBody(prefix, index);
        // A large body goes honestly framed and with no header that makes the node answer before reading it: a node that
        // answers early and closes with a megabyte unread resets the connection, and the answer is lost with it.
        bool large = body.Length > 64 * 1024;
        var own = new List<KeyValuePair<string, string>>();
        if (large || _random.Next(4) > 0) own.Add(new("Content-Type", "application/json"));
        if (!large && _random.Next(3) == 0) own.Add(new("Idempotency-Key", $"fz-{runId}-{index}-txn"));
        return Primitive(index, large ? "POST" : Method("POST"), "/v1/txn", own, body, prefix, honest: large);
    }

    private byte[] TxnBody(string prefix, int index) => _random.Next(24) switch
    {
        < 10 => Encoding.UTF8.GetBytes(TxnJson(prefix, index, hostile: false)),
        < 14 => Encoding.UTF8.GetBytes(TxnJson(prefix, index, hostile: true)),
        14 => Encoding.UTF8.GetBytes(Pick("", "{", "[]", "null", "\"txn\"", "1", "{}", "{\"compare\":[]}", "{\"compare\":{}}", "{\"success\":\"x\"}",
            "{\"compare\":[null]}", "{\"success\":[null]}", "{\"success\":[1]}", "{\"compare\":[],\"success\":[],\"failure\":[]}",
            "{\"compare\":null,\"success\":null}", "{\"success\":[{}]}", "{\"success\":[{\"op\":\"get\"}]}")),
        15 => Encoding.UTF8.GetBytes(Pick(
            "{\"success\":" + new string('[', 2000) + new string(']', 2000) + "}",
            "{\"success\":[{\"op\":\"put\",\"key\":\"" + prefix + "d\",\"value\":" + new string('[', 70) + new string(']', 70) + "}]}",
            new string('{', 500))),
        16 => Truncated(Encoding.UTF8.GetBytes(TxnJson(prefix, index, hostile: false))),
        17 => InvalidUtf8InKey(Encoding.UTF8.GetBytes(TxnJson(prefix, index, hostile: false)), prefix),
        18 => RandomBytes(200),
        19 => Encoding.UTF8.GetBytes(Pick("\uFEFF", " ", "/* c */", "") + TxnJson(prefix, index, hostile: false) + Pick(",", " x", "}", "// c", "")),
        20 => Encoding.UTF8.GetBytes(ManyOperations(prefix)),
        21 when _random.Next(3) == 0 => Encoding.UTF8.GetBytes(TooLarge(prefix)),
        _ => Encoding.UTF8.GetBytes(TxnJson(prefix, index, hostile: false)),
    };

    private string TxnJson(string prefix, int index, bool hostile)
    {
        var members = new List<string>();
        if (_random.Next(4) > 0) members.Add("\"compare\":[" + string.Join(',', Repeat(_random.Next(4), () => CompareJson(prefix, index, hostile))) + "]");
        if (_random.Next(6) > 0) members.Add("\"success\":[" + string.Join(',', Branch(prefix, index, hostile)) + "]");
        if (_random.Next(2) == 0) members.Add("\"failure\":[" + string.Join(',', Branch(prefix, index, hostile)) + "]");
        if (hostile && _random.Next(4) == 0) members.Add(Pick("\"extra\":1", "\"Compare\":[]", "\"success\":[]", "\"lease\":\"0123456789abcdef\""));
        if (hostile && _random.Next(8) == 0) members.Reverse();
        return "{" + string.Join(',', members) + "}";
    }

    private string CompareJson(string prefix, int index, bool hostile)
    {
        // Compares change nothing, so they may name any key: the run's start key, another request's, or its own.
        string key = _random.Next(3) switch
        {
            0 => Json($"fz/{runId}/start"),
            1 => Json($"fz/{runId}/{_random.Next(index + 1)}/a"),
            _ => TxnKey(prefix, hostile),
        };
        string condition = _random.Next(hostile ? 8 : 5) switch
        {
            0 or 1 => "\"version\":" + (hostile ? Pick(TxnVersions) : Pick("0", "1", "2", "5")),
            2 => "\"exists\":" + (hostile ? Pick("true", "false", "\"true\"", "1", "null") : Pick("true", "false")),
            3 => "\"value\":" + (hostile ? Pick("\"x\"", "\"\"", "5", "\"\\ud800\"", "{}") : Pick("\"x\"", "\"\"", "\"v\"")),
            4 => "\"valueBase64\":" + (hostile ? Pick("\"eA==\"", "\"!!\"", "\"\"", "\"eA\"", "\"e A==\"", "1") : Pick("\"eA==\"", "\"\"")),
            5 => "\"version\":0,\"exists\":false",
            6 => "\"value\":\"x\",\"valueBase64\":\"eA==\"",
            _ => "",
        };
        string keyMember = hostile && _random.Next(6) == 0 ? Pick("\"key\":5", "\"key\":null", "\"key\":\"\"", "\"keys\":[]") : "\"key\":" + key;
        return "{" + string.Join(',', new[] { keyMember, condition }.Where(part => part.Length > 0)) + "}";
    }

    private IEnumerable<string> Branch(string prefix, int index, bool hostile)
    {
        int count = _random.Next(5);
        for (int j = 0; j < count; j++)
        {
            string op = hostile ? Pick(TxnOps) : Pick("put", "put", "delete", "get");
            string opMember = op is "5" or "null" ? "\"op\":" + op : "\"op\":" + Json(op);
            // Gets may read any key; puts and deletes (and anything that might be taken for one) write only under the prefix.
            string key = op == "get" && _random.Next(2) == 0 ? Json($"fz/{runId}/{_random.Next(index + 1)}/a") : TxnKey(prefix, hostile, j);
            var members = new List<string> { opMember, "\"key\":" + key };
            if (op is "put" or "PUT" || hostile && _random.Next(4) == 0) members.AddRange(PutMembers(hostile));
            if (hostile && _random.Next(8) == 0) members.Add(Pick("\"lease\":\"0123456789abcdef\"", "\"lease\":null", "\"extra\":true", "\"op\":\"get\""));
            if (hostile && _random.Next(10) == 0) members.RemoveAt(_random.Next(members.Count));
            yield return "{" + string.Join(',', members) + "}";
        }
    }

    private IEnumerable<string> PutMembers(bool hostile)
    {
        switch (_random.Next(hostile ? 6 : 4))
        {
            case 0 or 1:
                yield return "\"value\":" + Pick("\"v\"", "\"\"", "\"\\u00e9\"", "\"line\\nbreak\"");
                break;
            case 2:
                yield return "\"valueBase64\":" + Pick("\"AAEC/w==\"", "\"\"", "\"dg==\"");
                break;
            case 3:
                yield return "\"value\":\"v\"";
                yield return "\"contentType\":" + Pick("\"text/plain\"", "\"\"", "\"application/json; charset=utf-8\"");
                break;
            case 4:
                yield return Pick("\"valueBase64\":\"!!\"", "\"value\":5", "\"value\":null", "\"value\":\"v\",\"valueBase64\":\"dg==\"", "\"valueBase64\":\"dg\"");
                break;
            default:
                yield return "\"value\":\"v\"";
                yield return "\"contentType\":" + Pick(Json(new string('c', 257)), "5", "\"\\u0000\"");
                break;
        }
    }

    // A key under the request's prefix, as a JSON string; hostile, now and then something that is not a string.
    private string TxnKey(string prefix, bool hostile, int j = 0)
    {
        if (hostile && _random.Next(10) == 0) return Pick("5", "null", "[]", "\"\"");
        string suffix = _random.Next(hostile ? 3 : 6) switch
        {
            0 => Pick(OddKeySuffixes),
            1 when hostile || _random.Next(3) == 0 => Pick(BadKeySuffixes),
            _ => "k" + j.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return "\"" + prefix + suffix + "\"";
    }

    // Over Kv:Txn:MaxOperations (128), or far over it: refused (400) before any of them is looked at.
    private string ManyOperations(string prefix)
    {
        int count = Pick(128, 129, 1000, 5000);
        return "{\"success\":[" + string.Join(',', Enumerable.Range(0, count).Select(j => $"{{\"op\":\"get\",\"key\":\"{prefix}g{j}\"}}")) + "]}";
    }

    // Within the route's body limit (2 MiB + 64 KiB), over a value's (1 MiB) or the encoded transaction's (1 MiB): 413.
    private string TooLarge(string prefix) => _random.Next(2) == 0
        ? $"{{\"success\":[{{\"op\":\"put\",\"key\":\"{prefix}big\",\"value\":\"{new string('v', 1024 * 1024 + 1)}\"}}]}}"
        : $"{{\"success\":[{{\"op\":\"put\",\"key\":\"{prefix}b1\",\"value\":\"{new string('v', 600_000)}\"}}," +
          $"{{\"op\":\"put\",\"key\":\"{prefix}b2\",\"value\":\"{new string('v', 600_000)}\"}}]}}";

    private byte[] Truncated(byte[] json) => json.Length <= 1 ? [] : json[.._random.Next(1, json.Length)];

    // Bytes that are no UTF-8 (0xFF, an overlong '/', an encoded surrogate) just after the prefix in the first key that has it.
    private byte[] InvalidUtf8InKey(byte[] json, string prefix)
    {
        int at = json.AsSpan().IndexOf(Encoding.UTF8.GetBytes(prefix));
        if (at < 0) return json;
        at += prefix.Length;
        byte[] bad = Pick<byte[]>([0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xC3]);
        return [.. json[..at], .. bad, .. json[at..]];
    }

    private static string Json(string text) => "\"" + System.Text.Json.JsonEncodedText.Encode(text).ToString() + "\"";

    private IEnumerable<string> Repeat(int count, Func<string> make) => Enumerable.Range(0, count).Select(_ => make()).ToList();
}
