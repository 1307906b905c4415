using System.Globalization;
using System.Text;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// Random requests for every route of a node and the coordinator, from one seed: methods (right, wrong, invalid),
/// keys in every encoding trouble (%-edge cases, invalid UTF-8, control characters, too long), query strings, headers
/// (Content-Type, If-Match, Idempotency-Key, X-Kv-Consistency, X-Kv-Min-Seq garbage, huge and many headers), bodies
/// (random bytes, broken and hostile JSON, damaged append batches) and framings; and the coordination primitives:
/// watch streams (filters, <c>from</c>, <c>Last-Event-ID</c>), transactions (valid, broken and hostile JSON, with and
/// without Idempotency-Key), the lease routes (grants with valid and invalid TTLs and ids, keep-alives, revokes,
/// reads) and puts naming a lease. A key a request may create starts with a prefix of its own
/// (<c>fz/{run}/{index}/</c>) — a transaction writes only there too —, and idempotency keys that could be accepted
/// are unique, so the keyspace afterwards says exactly which requests wrote. Nothing here waits on purpose: no
/// session read of a sequence number not yet reached, no causal metadata ahead of the log.
/// </summary>
internal sealed partial class HttpFuzzGenerator(int seed, string runId, int nodes)
{
    private readonly Random _random = new(seed);

    private static readonly string[] AnyMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "get", "FOO", "G\u0001T", "PUT PUT"];
    private static readonly string[] KeyEdgeCases =
    [
        "%", "%2", "%zz", "%00", "%01", "%1F", "%7F", "%C2%85", "%C3%28", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%FF", "%2F%2F", "%2e%2e",
        "..", "%20", "+", "%3F", "%23", "\u00e9", "\u00c3\u00a9", "a%2Fb", "%E2%80%8B", "%EF%BB%BF", "%F0%9F%98%80", "~!$&'()*,;=:@", "%25",
    ];
    private static readonly string[] Consistencies = ["linearizable", "session", "local", "LOCAL", "", "strong", "%00", "local%00", "l%C3%28", "session,local"];
    private static readonly string[] MinSeqs = ["", "0", "1", "-1", "abc", "1.5", " 1", "0x10", "99999999999999999999", "1,2", "\u00e9"];
    private static readonly string[] Limits = ["0", "1", "1000", "1001", "-1", "abc", "99999999999", "", "1e3", "%31"];
    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "application/octet-stream", "application/x-kvcluster-append", "", ";", "application/json; charset=utf-8",
        "application/merge-patch+json", "application/json; x=\"", "*/*", "text/plain; charset=\u00e9", new string('a', 300), "multipart/form-data; boundary=x",
    ];
    private static readonly string[] IfMatches = ["\"1\"", "\"0\"", "*", "W/\"1\"", "\"-1\"", "\"99999999999999999999\"", "\"1\", \"2\"", "1", "\"", "\"\"", "\"abc\""];
    private static readonly string[] SocketAddresses = ["1.2.3.4:5", "host:0", ":", "[::1]:80", "a b:1", "127.0.0.1:99999", "x:", ":80", "[::1", "\u00e9:1"];
    private static readonly string[] UnroutedPaths = ["/", "//", "/v1", "/v1/", "/v1/kvz", "/v2/kv/a", "/v1//kv/a", "/api/v2/a", "/key-value-stor", "/key-value-store-views", "/v1/internal", "/v1/internal/x", "/v1/append/x", "/%00", "/v1/node/x", "*", "http://x/v1/kv",
        "/v1/watch/x", "/v1/txn/x", "/v1/leases/0123456789abcdef/x", "/v1/leases/keepalive/x", "/v1/leasesx"];

    public FuzzRequest Next(int index)
    {
        int roll = _random.Next(100);
        return roll switch
        {
            < 20 => KeyRequest(index, "/v1/kv/", ["GET", "PUT", "DELETE"], RouteFamily.Native),
            < 29 => KeyRequest(index, "/key-value-store/", ["GET", "PUT", "DELETE"], RouteFamily.Compat),
            < 38 => KeyRequest(index, "/api/v1/", ["GET", "PUT", "POST", "DELETE"], RouteFamily.Compat),
            < 43 => Plain(index, NodeService(), RouteFamily.Native, "GET", "/v1/kv" + ListQuery(index)),
            < 48 => Plain(index, NodeService(), RouteFamily.Compat, Method("GET", "PUT", "DELETE"), "/key-value-store-view", ViewBody()),
            < 55 => Plain(index, NodeService(), RouteFamily.Native, Method("GET"),
                Pick("/v1/cluster", "/v1/node", "/v1/node?digest=true", "/v1/node?digest=%00", "/health", "/alive", "/v1/runtime")),
            < 56 => Plain(index, NodeService(), RouteFamily.Compat, Method("GET"), "/api/v1/role"),
            < 58 => Plain(index, NodeService(), RouteFamily.Internal, Method("GET"), "/v1/internal/snapshot"),
            < 63 => Plain(index, FuzzRequest.Coordinator, RouteFamily.Internal, Method("POST"), "/v1/append", AppendBody(),
                AppendContentType()),
            // The coordinator serves none of the primitives: their routes are 404 there.
            < 66 => Plain(index, FuzzRequest.Coordinator, RouteFamily.Native, Method("GET"),
                Pick("/v1/cluster", "/health", "/alive", "/v1/runtime", "/v1/kv/a", "/v1/watch", "/v1/leases", "/v1/txn")),
            < 72 => WatchRequest(index),
            < 80 => TxnRequest(index),
            < 90 => LeaseRequest(index),
            _ => Plain(index, _random.Next(4) == 0 ? FuzzRequest.Coordinator : NodeService(), RouteFamily.Unrouted,
                Method(AnyMethods), Pick(UnroutedPaths) + (_random.Next(2) == 0 ? "" : RandomAscii(_random.Next(1, 12), "abz019-_~")), RandomBytes(64)),
        };
    }

    private FuzzRequest KeyRequest(int index, string route, string[] methods, RouteFamily family)
    {
        string prefix = $"fz/{runId}/{index}/";
        string method = _random.Next(10) == 0 ? Pick(AnyMethods) : Pick(methods);
        string target = route + prefix + KeySuffix();
        if (method == "GET" && family == RouteFamily.Native || route == "/api/v1/" && method == "GET") target += ReadQuery();
        // A put that names a lease writes its key under its own prefix like any put; its lease may end it later.
        if (method == "PUT" && route == "/v1/kv/" && _random.Next(3) == 0) target += "?lease=" + LeaseParameter();
        var headers = Headers(index);
        byte[] body = method switch
        {
            "PUT" or "POST" when family == RouteFamily.Native => NativeValue(),
            "PUT" or "POST" => CompatBody(withValue: true),
            _ when route == "/key-value-store/" => CompatBody(withValue: false),
            _ => _random.Next(4) == 0 ? RandomBytes(64) : [],
        };
        if (family == RouteFamily.Compat && _random.Next(3) > 0) headers.Insert(0, new("Content-Type", Pick("application/json", "application/json", "text/plain", "")));
        return new FuzzRequest(index, NodeService(), family, method, target, headers, body, Framing(body), prefix);
    }

    private FuzzRequest Plain(int index, int service, RouteFamily family, string method, string target, byte[]? body = null,
        string? contentType = null)
    {
        var headers = Headers(index);
        if (contentType is not null) headers.Insert(0, new("Content-Type", contentType));
        body ??= _random.Next(5) == 0 ? RandomBytes(64) : [];
        return new FuzzRequest(index, service, family, method, target, headers, body, Framing(body), OwnKeyPrefix: null);
    }

    // The primitives' handlers read more than a key: half of their requests come without the hostile headers and framing
    // that Kestrel itself refuses (a non-ASCII header value, a body that never ends), so that most reach the handler.
    // Their own headers (Content-Type, Idempotency-Key, Last-Event-ID...) come first; with honest, always plain.
    private FuzzRequest Primitive(int index, string method, string target, List<KeyValuePair<string, string>>? own = null, byte[]? body = null,
        string? prefix = null, bool honest = false)
    {
        bool plain = honest || _random.Next(2) == 0;
        var headers = plain ? [] : Headers(index);
        if (own is not null) headers.InsertRange(0, own);
        body ??= _random.Next(8) == 0 ? RandomBytes(64) : [];
        var framing = !plain ? Framing(body) : body.Length == 0 ? BodyFraming.None : BodyFraming.ContentLength;
        return new FuzzRequest(index, NodeService(), RouteFamily.Native, method, target, headers, body, framing, prefix);
    }

    private string KeySuffix() => _random.Next(8) switch
    {
        0 => "",
        1 => Pick(KeyEdgeCases),
        2 => RandomAscii(_random.Next(1, 8), "abc") + Pick(KeyEdgeCases) + RandomAscii(_random.Next(0, 4), "xyz"),
        3 => Uri.EscapeDataString(RandomUnicode(_random.Next(1, 6))),
        4 => new string('k', Pick(30, 40, 1000, 1010, 1100, 3100)),
        5 => string.Concat(Enumerable.Range(0, _random.Next(1, 6)).Select(_ => "%" + _random.Next(256).ToString("X2", CultureInfo.InvariantCulture))),
        _ => RandomAscii(_random.Next(1, 20), "abcdefghijklmnopqrstuvwxyz0123456789-_.~/"),
    };

    private string ReadQuery() => _random.Next(3) switch
    {
        0 => "",
        1 => "?consistency=" + Pick(Consistencies),
        _ => "?consistency=" + Pick(Consistencies) + "&consistency=" + Pick(Consistencies) + "&" + RandomAscii(3, "a=%&"),
    };

    private string ListQuery(int index)
    {
        var parts = new List<string>();
        if (_random.Next(2) == 0) parts.Add("prefix=" + Pick($"fz/{runId}/", "fz%2F", "%", "%C3%28", "", "zz"));
        if (_random.Next(3) == 0) parts.Add("after=" + Pick("a", "%FF", "%00", "", $"fz/{runId}/{index}"));
        if (_random.Next(2) == 0) parts.Add("limit=" + Pick(Limits));
        if (_random.Next(3) == 0) parts.Add("consistency=" + Pick(Consistencies));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private List<KeyValuePair<string, string>> Headers(int index)
    {
        var headers = new List<KeyValuePair<string, string>>();
        for (int i = _random.Next(5); i > 0; i--)
        {
            headers.Add(_random.Next(16) switch
            {
                0 => new("Content-Type", Pick(ContentTypes)),
                1 => new("If-Match", Pick(IfMatches)),
                2 => new("If-None-Match", Pick("*", "\"1\"", "", "**")),
                // Visible ASCII and unique, or refused: an accepted key never repeats, so no answer is a replay.
                3 => new("Idempotency-Key", Pick($"fz-{runId}-{index}-{i}", "", new string('i', 257), "a b", "\u00e9", "x\u007f")),
                4 => new("X-Kv-Consistency", Pick(Consistencies)),
                5 => new("X-Kv-Min-Seq", Pick(MinSeqs)),
                6 => new("Accept", Pick("text/html", "application/json", "*/*", "application/xml", "", "text/html;q=0")),
                7 => new("Content-Encoding", Pick("gzip", "br", "identity", "x")),
                8 => new("Expect", Pick("100-continue", "x")),
                9 => new("X-Huge", new string('h', Pick(1000, 9000, 40_000))),
                10 => new("X-Control", "a\u0001b"),
                11 => new("X-Latin", "\u00e9\u00ff"),
                // Framing headers of their own make the body's end unknown (the request is then half-closed): not too often.
                12 when _random.Next(3) == 0 => new("Transfer-Encoding", Pick("identity", "gzip", "chunked, chunked", "x")),
                13 when _random.Next(3) == 0 => new("Content-Length", Pick("-1", "abc", "1, 2", "99999999999999999999")),
                12 or 13 => new("X-Kv-Consistency", Pick(Consistencies)),
                14 => new("traceparent", Pick("00-zz-zz-01", "", new string('0', 55), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
                _ => new("Authorization", Pick("Bearer x", "Bearer ", "Basic \u00e9", new string('b', 5000))),
            });
        }
        if (_random.Next(60) == 0)
        {
            for (int i = 0; i < 120; i++) headers.Add(new($"X-Many-{i}", "v"));
        }
        return headers;
    }

    private byte[] NativeValue() => _random.Next(10) switch
    {
        0 => [],
        1 => [0xC3, 0x28, 0xFF, 0x00],
        2 => RandomBytes(8000),
        _ => RandomBytes(100),
    };

    private byte[] CompatBody(bool withValue)
    {
        string metadata = Pick("", "\"\"", "null", "\"0\"", "\"1\"", "\"abc\"", "-1", "1.5", "\"99999999999999999999\"", "{}", "[]", "true");
        string json = _random.Next(12) switch
        {
            0 => "",
            1 => "{\"value\":",
            2 => Pick("[]", "1", "\"s\"", "null", "true"),
            3 => new string('[', 200) + new string(']', 200),
            4 => "{\"value\":{\"a\":" + new string('[', 100) + new string(']', 100) + "}}",
            5 => "\uFEFF{\"value\":1}",
            6 => "{\"value\":1,\"value\":2}",
            7 => "{\"value\":1e99999,\"causal-metadata\":" + metadata + "}",
            8 => "{\"value\":\"\\ud800\"}",
            _ => withValue
                ? "{\"value\":" + Pick("1", "\"v\"", "{\"n\":[1,true,null]}", "null", "\"\u00e9\"") + (metadata.Length > 0 ? ",\"causal-metadata\":" + metadata : "") + "}"
                : metadata.Length > 0 ? "{\"causal-metadata\":" + metadata + "}" : "{}",
        };
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        // Invalid UTF-8 inside a string, now and then.
        if (_random.Next(10) == 0 && bytes.Length > 3) bytes[^2] = 0xFF;
        return bytes;
    }

    private byte[] ViewBody() => Encoding.UTF8.GetBytes(_random.Next(6) switch
    {
        0 => "",
        1 => "{\"socket-address\":5}",
        2 => "{\"socket-address\":\"" + new string('a', 300) + ":1\"}",
        3 => "not json",
        _ => "{\"socket-address\":\"" + Pick(SocketAddresses) + "\"}",
    });

    // Batches the coordinator must refuse: a valid batch would append. Random bytes or a damaged batch that does not decode.
    private byte[] AppendBody()
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            byte[] candidate = _random.Next(3) == 0 ? RandomBytes(200) : DamagedAppend();
            try
            {
                AppendWireFormat.DecodeRequest(candidate);
            }
            catch (FormatException)
            {
                return candidate;
            }
        }
        return "KVA2"u8.ToArray();
    }

    private byte[] DamagedAppend()
    {
        var command = new AppendCommand
        {
            Operation = LogOperation.Put, Key = $"fz/{runId}/append", Value = RandomBytes(20), RequestId = "fz-" + runId, OriginNode = "fuzz",
        };
        var bytes = AppendWireFormat.EncodeRequest([command, command with { Operation = LogOperation.Delete }]).ToList();
        for (int i = _random.Next(1, 4); i > 0 && bytes.Count > 0; i--)
        {
            int at = _random.Next(bytes.Count);
            switch (_random.Next(3))
            {
                case 0: bytes[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes.Insert(at, (byte)_random.Next(256)); break;
            }
        }
        return [.. bytes];
    }

    private string AppendContentType() => _random.Next(5) == 0 ? Pick(ContentTypes) : AppendWireFormat.ContentType;

    private BodyFraming Framing(byte[] body) => body.Length == 0 && _random.Next(2) == 0
        ? BodyFraming.None
        : _random.Next(12) switch
        {
            0 => BodyFraming.ContentLengthShort,
            1 => BodyFraming.ContentLengthLong,
            2 or 3 => BodyFraming.Chunked,
            4 => BodyFraming.ChunkedMalformed,
            _ => BodyFraming.ContentLength,
        };

    private string Method(params string[] right) => _random.Next(6) == 0 ? Pick(AnyMethods) : Pick(right);

    private int NodeService() => _random.Next(nodes);

    private byte[] RandomBytes(int maxLength)
    {
        var bytes = new byte[_random.Next(maxLength + 1)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string RandomAscii(int length, string alphabet) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[_random.Next(alphabet.Length)]));

    private string RandomUnicode(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int codePoint = Pick(0x41 + _random.Next(26), 0xE9, 0x4E2D, 0x1F600, 0x0301, 0x200B, 0x85, 0x7F, 0x10FFFF, 0xFFFD);
            text.Append(char.ConvertFromUtf32(codePoint));
        }
        return text.ToString();
    }

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}
