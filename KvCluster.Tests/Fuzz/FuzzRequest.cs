using System.Globalization;
using System.Text;

namespace KvCluster.Tests.Fuzz;

/// <summary>How a fuzz request's body is framed: honestly, or in one of the ways a broken client frames it.</summary>
internal enum BodyFraming
{
    ContentLength,
    /// <summary>Content-Length smaller than the body: the rest would be the next request on the connection.</summary>
    ContentLengthShort,
    /// <summary>Content-Length larger than the body, and the sending side closed.</summary>
    ContentLengthLong,
    Chunked,
    ChunkedMalformed,
    /// <summary>Neither Content-Length nor chunked: no body, as far as HTTP/1.1 is concerned.</summary>
    None,
}

/// <summary>Which answers a route gives: the native API's problem+json, or a compatibility route's own JSON.</summary>
internal enum RouteFamily
{
    Native,
    Compat,
    Internal,
    Unrouted,
}

/// <summary>
/// One generated request: which service it goes to (a node's index, or -1 for the coordinator), the raw request
/// line target, headers, body and framing, and what the checks need — the key prefix of its own (the only keys it
/// may create) and whether it may write at all.
/// </summary>
internal sealed record FuzzRequest(
    int Index,
    int Service,
    RouteFamily Family,
    string Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    BodyFraming Framing,
    string? OwnKeyPrefix)
{
    public const int Coordinator = -1;

    /// <summary>
    /// For <c>POST /v1/leases</c>: the id the body names when it is well formed and names one, else "" (the node may
    /// pick the id); null for every other request. The leases afterwards are checked against it (<see cref="LeaseLedger"/>).
    /// </summary>
    public string? LeaseGrant { get; init; }

    /// <summary>True when the request could change the keyspace if accepted.</summary>
    public bool MayWrite => OwnKeyPrefix is not null && Method is "PUT" or "POST" or "DELETE";

    /// <summary>
    /// True when the body may never end as framed (a Content-Length larger than it, a broken chunk, or framing headers
    /// of the generator's own that contradict the real framing): the sending side is then closed, so the server sees
    /// the end at once rather than waiting out its body timeout.
    /// </summary>
    public bool HalfClose => Framing is BodyFraming.ContentLengthLong || (Framing is BodyFraming.ChunkedMalformed && !BadChunkSize)
        || Headers.Any(header => header.Key is "Transfer-Encoding" or "Content-Length");

    // Half of the malformed chunked bodies have a size that is no number (refused at once), the others never end.
    private bool BadChunkSize => Index % 2 == 0;

    /// <summary>The bytes on the wire (text as Latin-1, so any byte can be in a target or header).</summary>
    public byte[] ToBytes(string host)
    {
        var head = new StringBuilder();
        head.Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(host).Append("\r\n");
        head.Append("Connection: close\r\n");
        foreach (var (name, value) in Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        byte[] body = Body;
        switch (Framing)
        {
            case BodyFraming.ContentLength:
                head.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                break;
            case BodyFraming.ContentLengthShort:
                head.Append("Content-Length: ").Append((Body.Length / 2).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                break;
            case BodyFraming.ContentLengthLong:
                head.Append("Content-Length: ").Append((Body.Length + 1 + Index % 5000).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                break;
            case BodyFraming.Chunked:
                head.Append("Transfer-Encoding: chunked\r\n");
                body = Chunk(Body, malformed: false);
                break;
            case BodyFraming.ChunkedMalformed:
                head.Append("Transfer-Encoding: chunked\r\n");
                body = Chunk(Body, malformed: true);
                break;
        }
        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    /// <summary>The request as a line for the test's output: enough to see what was sent and to find it again by index.</summary>
    public string Describe()
    {
        string service = Service == Coordinator ? "coordinator" : $"node-{Service + 1}";
        string headers = string.Join(", ", Headers.Select(h => $"{h.Key}: {Shorten(h.Value)}"));
        string body = Body.Length == 0 ? "" : $" body {Body.Length} B '{Shorten(Encoding.Latin1.GetString(Body))}'";
        return $"#{Index} {service} {Shorten(Method)} {Shorten(Target)} [{headers}] {Framing}{body}";
    }

    private static string Shorten(string text)
    {
        string visible = string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\x{(int)c:X2}" : c.ToString()));
        return visible.Length <= 120 ? visible : visible[..120] + $"…({text.Length} chars)";
    }

    private byte[] Chunk(byte[] body, bool malformed)
    {
        var chunked = new MemoryStream();
        int at = 0, size = 1 + Index % 7;
        while (at < body.Length)
        {
            int length = Math.Min(size, body.Length - at);
            chunked.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            chunked.Write(body, at, length);
            chunked.Write("\r\n"u8);
            at += length;
            size *= 3;
        }
        // Malformed: a size that is no hex number, or a last chunk that never comes.
        chunked.Write(malformed ? (BadChunkSize ? "zz\r\nabc\r\n"u8 : "10\r\nab"u8) : "0\r\n\r\n"u8);
        return chunked.ToArray();
    }
}
