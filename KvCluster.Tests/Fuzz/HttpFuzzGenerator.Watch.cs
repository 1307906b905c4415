namespace KvCluster.Tests.Fuzz;

/// <summary>
/// <c>GET /v1/watch</c>: filters (prefix, key, both, neither, repeated, in encoding trouble), where to start (<c>from</c>
/// and <c>Last-Event-ID</c>, valid and not) and wrong methods. A valid watch is a stream that never ends by itself:
/// <see cref="RawAnswer.IsComplete"/> takes its head and first comment as the whole answer, and the connection is closed.
/// </summary>
internal sealed partial class HttpFuzzGenerator
{
    // Refused starts: not a seq of 1 or more, or given twice. Valid ones are at or after seq 1, which a fresh cluster's
    // node holds in its journal (a start older than the node holds would be a 410).
    private static readonly string[] BadWatchStarts =
    [
        "0", "-1", "", "abc", "1.5", "%201", "+1", "0x10", "1e3", "%D9%A1", "9223372036854775808", "99999999999999999999", "1&from=2", "%00",
    ];
    private static readonly string[] BadLastEventIds =
    [
        "", "-1", "abc", " 3", "1, 2", "9223372036854775807", "9223372036854775808", "\u00e9", new string('9', 300),
    ];

    private FuzzRequest WatchRequest(int index)
    {
        var query = new List<string>();
        switch (_random.Next(8))
        {
            case 0:
                break;
            case 1 or 2 or 3:
                query.Add("prefix=" + WatchFilterValue(index));
                break;
            case 4 or 5:
                query.Add("key=" + WatchFilterValue(index));
                break;
            case 6:
                query.Add("prefix=" + WatchFilterValue(index));
                query.Add("key=" + WatchFilterValue(index));
                break;
            default:
                query.Add("prefix=" + WatchFilterValue(index));
                query.Add("prefix=" + WatchFilterValue(index));
                break;
        }
        if (_random.Next(2) == 0) query.Add("from=" + (_random.Next(3) > 0 ? Pick("1", "2", "10", "100000", "9223372036854775807") : Pick(BadWatchStarts)));
        if (_random.Next(8) == 0) query.Add(RandomAscii(_random.Next(1, 6), "a=%&"));
        string target = "/v1/watch" + (query.Count == 0 ? "" : "?" + string.Join('&', query));

        var own = new List<KeyValuePair<string, string>>();
        if (_random.Next(2) == 0) own.Add(new("Accept", "text/event-stream"));
        if (_random.Next(3) == 0) own.Add(new("Last-Event-ID", _random.Next(2) == 0 ? Pick("0", "1", "7", "9223372036854775806") : Pick(BadLastEventIds)));
        return Primitive(index, Method("GET"), target, own);
    }

    private string WatchFilterValue(int index) => _random.Next(10) switch
    {
        < 3 => $"fz/{runId}/",
        < 6 => $"fz/{runId}/{index}/" + KeySuffix(),
        6 => Pick(KeyEdgeCases),
        7 => "",
        8 => new string('w', Pick(1024, 1025, 3000)),
        _ => Uri.EscapeDataString(RandomUnicode(_random.Next(1, 4))),
    };
}
