using System.Globalization;
using System.Text;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// The lease routes: grants (TTLs valid and not, ids chosen by the client — new, taken, malformed — or by the node,
/// broken and hostile bodies), keep-alives, revokes and reads of leases this run granted, of unknown ids and of
/// malformed ones, the list; and the ids a put names with <c>?lease=</c>. The leases it grants live 1–3 s, but for a
/// rare one of a day (the longest TTL), which the test revokes at the end with any other still there.
/// </summary>
internal sealed partial class HttpFuzzGenerator
{
    private static readonly string[] ShortTtls = ["1", "2", "3"];
    private static readonly string[] BadTtls =
    [
        "0", "-1", "-0", "86401", "1.5", "2.0", "1e3", "\"2\"", "null", "true", "[]", "{}", "9223372036854775808", "99999999999999999999",
    ];
    // As JSON values in a grant's body: ids that are not 16 lowercase hex digits, and null (the node then picks one).
    private static readonly string[] BadIdValues =
    [
        "\"ABCDEF0123456789\"", "\"0123456789abcde\"", "\"0123456789abcdef0\"", "\"g123456789abcdef\"", "\"\"", "5", "null", "[]",
        "\"0123456789abcd\\u00e9\"", "\"0123456789abcde\\u0000\"", "\"\\ud800123456789abcde\"",
    ];
    // In a path or a query: not lease ids, or ids that decode to one no grant made.
    private static readonly string[] BadLeaseIds =
    [
        "ABCDEF0123456789", "0123456789abcde", "0123456789abcdef0", "g123456789abcdef", "0123456789ABCDEF", "%00", "%C3%28", "..", "%2F",
        "%200123456789abcdef", "0123456789abcdef%00", "%30123456789abcdef", "-1", "0x0123456789abcd", "\u00e9", new string('a', 300),
    ];

    // Ids this run's grants named, in order: keep-alives, revokes, reads and puts name the recent ones.
    private readonly List<string> _ownLeases = [];

    private FuzzRequest LeaseRequest(int index) => _random.Next(20) switch
    {
        < 6 => GrantRequest(index),
        < 9 => Primitive(index, Method("GET"), "/v1/leases/" + LeaseId() + ReadQuery()),
        < 10 => Primitive(index, Method("GET"), "/v1/leases" + ReadQuery()),
        < 12 => Primitive(index, Method("POST"), "/v1/leases/" + LeaseId() + "/keepalive"),
        < 15 => Primitive(index, Method("DELETE"), "/v1/leases/" + LeaseId()),
        _ => LeasedPut(index),
    };

    // A put that names a lease, mostly with a plain key and value so that the lease decides: its key is under the
    // request's own prefix, and is deleted when the lease ends.
    private FuzzRequest LeasedPut(int index)
    {
        string prefix = $"fz/{runId}/{index}/";
        string target = "/v1/kv/" + prefix + (_random.Next(4) == 0 ? KeySuffix() : "l") + "?lease=" + LeaseParameter();
        List<KeyValuePair<string, string>> own = _random.Next(2) == 0 ? [new("Content-Type", "text/plain")] : [];
        if (_random.Next(4) == 0) own.Add(new("Idempotency-Key", $"fz-{runId}-{index}-lease"));
        if (_random.Next(6) == 0) own.Add(new("If-None-Match", "*"));
        return Primitive(index, "PUT", target, own, Encoding.UTF8.GetBytes("leased"), prefix);
    }

    private FuzzRequest GrantRequest(int index)
    {
        string ownId = runId + index.ToString("x8", CultureInfo.InvariantCulture);
        string? named = null; // the id a well-formed body names, for the ledger
        byte[] body;
        switch (_random.Next(12))
        {
            case < 4:
                body = Encoding.UTF8.GetBytes($"{{\"ttlSeconds\":{Pick(ShortTtls)}}}");
                break;
            case < 7:
                // Now and then an id granted before: 409 while it lives.
                named = _random.Next(4) == 0 && _ownLeases.Count > 0 ? RecentOwnLease() : ownId;
                string ttl = Pick(ShortTtls);
                body = Encoding.UTF8.GetBytes(_random.Next(2) == 0 ? $"{{\"ttlSeconds\":{ttl},\"id\":\"{named}\"}}" : $"{{\"id\":\"{named}\",\"ttlSeconds\":{ttl}}}");
                _ownLeases.Add(named);
                break;
            case 7:
                named = ownId;
                body = Encoding.UTF8.GetBytes($"{{\"ttlSeconds\":{Pick(BadTtls)},\"id\":\"{ownId}\"}}");
                break;
            case 8:
                body = Encoding.UTF8.GetBytes($"{{\"ttlSeconds\":2,\"id\":{Pick(BadIdValues)}}}");
                break;
            case 9:
                body = Encoding.UTF8.GetBytes(Pick("", "{", "[]", "null", "{}", "{\"ttlSeconds\":", "{\"ttl\":2}", "{\"TTLSECONDS\":2}",
                    "{\"ttlSeconds\":2,\"extra\":[1]}", "{\"ttlSeconds\":1,\"ttlSeconds\":2}", "\uFEFF{\"ttlSeconds\":2}", "{\"ttlSeconds\":2}x",
                    "{\"ttlSeconds\":" + new string('[', 100) + new string(']', 100) + "}",
                    "{\"ttlSeconds\":2,\"pad\":\"" + new string('p', 2000) + "\"}"));
                break;
            case 10:
                body = RandomBytes(64);
                break;
            default:
                // The longest TTL, rarely: it outlives the run, so the test revokes it.
                named = ownId;
                body = Encoding.UTF8.GetBytes($"{{\"ttlSeconds\":{(_random.Next(4) == 0 ? "86400" : Pick(ShortTtls))},\"id\":\"{ownId}\"}}");
                _ownLeases.Add(ownId);
                break;
        }
        List<KeyValuePair<string, string>> own = _random.Next(4) > 0 ? [new("Content-Type", "application/json")] : [];
        string method = Method("POST");
        return Primitive(index, method, "/v1/leases", own, body) with { LeaseGrant = method == "POST" ? named ?? "" : null };
    }

    // For a path: mostly a lease this run granted recently (live or not), an id nobody granted, or no lease id at all.
    private string LeaseId() => _random.Next(10) switch
    {
        < 5 when _ownLeases.Count > 0 => RecentOwnLease(),
        < 6 => RandomAscii(16, "0123456789abcdef"),
        _ => Pick(BadLeaseIds),
    };

    // For ?lease=: as in a path, and empty or given twice.
    private string LeaseParameter() => _random.Next(10) == 0 ? Pick("", "0123456789abcdef&lease=0123456789abcdef", "a&lease=") : LeaseId();

    private string RecentOwnLease() => _ownLeases[_random.Next(Math.Max(0, _ownLeases.Count - 3), _ownLeases.Count)];
}
