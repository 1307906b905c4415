using System.Net.Sockets;
using System.Text;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// One HTTP/1.1 request as raw bytes on a connection of its own — HttpClient refuses to send what a fuzzer must
/// (a lying Content-Length, a malformed chunk, a control character in a header) — and the answer parsed back.
/// </summary>
internal static class RawHttpExchange
{
    /// <summary>
    /// Sends <paramref name="request"/>; with <paramref name="halfClose"/> also ends the sending side, so a body shorter
    /// than its Content-Length ends instead of keeping the server waiting. Null when the server closed without answering.
    /// </summary>
    public static async Task<RawAnswer?> SendAsync(Uri server, byte[] request, bool halfClose, bool isHead, TimeSpan timeout)
    {
        using var client = new TcpClient { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout);
        await client.ConnectAsync(server.Host, server.Port, deadline.Token);
        var stream = client.GetStream();
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request, deadline.Token);
            if (halfClose) client.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64 * 1024];
            int read;
            // Until the answer is complete, not until the connection closes: Kestrel may go on draining a body it
            // never read (a chunked one that never ends) for seconds after it answered.
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (RawAnswer.IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length), isHead)) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset after (or instead of) the answer: what arrived is what there is.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No complete answer within {timeout.TotalSeconds:0} s ({received.Length} bytes received).");
        }
        // Nothing, or only a 100 Continue, is no answer.
        return RawAnswer.IsEmpty(received.ToArray()) ? null : RawAnswer.Parse(received.ToArray());
    }
}

/// <summary>A parsed answer: status, headers (names lower-cased) and the body, de-chunked.</summary>
internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? ContentType => Headers.TryGetValue("content-type", out var value) ? value : null;

    public string MediaType => ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// True when <paramref name="bytes"/> hold a whole final answer (after any 100 Continue). An event stream (a watch)
    /// never ends by itself: its head and its first event or comment, whole, are taken as the answer, and the caller
    /// closes the connection — the node ends the stream when it sees the client gone. Waiting for the end instead
    /// would hang until the timeout; a watch started where nothing is sent yet still sends its first comment at once.
    /// </summary>
    public static bool IsComplete(ReadOnlySpan<byte> bytes, bool isHead)
    {
        bytes = SkipInterim(bytes);
        int end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0) return false;
        if (isHead) return true;
        string head = Encoding.Latin1.GetString(bytes[..end]).ToLowerInvariant();
        var body = bytes[(end + 4)..];
        bool chunked = head.Contains("transfer-encoding: chunked", StringComparison.Ordinal);
        if (head.Contains("\r\ncontent-type: text/event-stream", StringComparison.Ordinal))
        {
            return (chunked ? Dechunk(body.ToArray()) : body.ToArray()).AsSpan().IndexOf("\n\n"u8) >= 0;
        }
        if (chunked) return body.EndsWith("0\r\n\r\n"u8);
        int at = head.IndexOf("\r\ncontent-length:", StringComparison.Ordinal);
        if (at < 0) return false;
        int lineEnd = head.IndexOf("\r\n", at + 2, StringComparison.Ordinal);
        string length = (lineEnd < 0 ? head[(at + 17)..] : head[(at + 17)..lineEnd]).Trim();
        return int.TryParse(length, out int declared) && body.Length >= declared;
    }

    public static bool IsEmpty(byte[] bytes) => SkipInterim(bytes).IsEmpty;

    // "HTTP/1.1 100 Continue" and other 1xx answers come before the real one.
    private static ReadOnlySpan<byte> SkipInterim(ReadOnlySpan<byte> bytes)
    {
        while (bytes.StartsWith("HTTP/1.1 1"u8) && bytes.IndexOf("\r\n\r\n"u8) is int end and >= 0) bytes = bytes[(end + 4)..];
        return bytes;
    }

    public static RawAnswer Parse(byte[] bytes)
    {
        bytes = SkipInterim(bytes).ToArray();
        int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        string head = Encoding.Latin1.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        string[] lines = head.Split("\r\n");
        string[] status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(status[1], out int code))
        {
            throw new FormatException($"Not an HTTP answer: '{lines[0]}'.");
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        byte[] body = end < 0 ? [] : bytes[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new RawAnswer(code, headers, body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        int at = 0;
        while (at < chunked.Length)
        {
            int lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            int size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0) break;
            body.Write(chunked, at, Math.Min(size, chunked.Length - at));
            at += size + 2;
        }
        return body.ToArray();
    }
}
