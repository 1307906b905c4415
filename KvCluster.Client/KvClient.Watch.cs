using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;

namespace KvCluster.Client;

public sealed partial class KvClient
{
    /// <inheritdoc />
    public async IAsyncEnumerable<KvChange> WatchAsync(string prefix, long? fromSeq = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (fromSeq is < 1) throw new ArgumentOutOfRangeException(nameof(fromSeq), fromSeq, "A watch starts at a seq, 1 or more.");
        var cursor = new WatchCursor(fromSeq);
        int fruitless = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (lastEventId, from) = cursor.ResumeAt();
            using var response = await SendAsync("WATCH", prefix, endpoint => WatchRequest(endpoint, prefix, lastEventId, from), null,
                cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Gone) throw await CompactedAsync(response, prefix, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK) throw await ErrorAsync(response, $"WATCH {prefix}", cancellationToken).ConfigureAwait(false);

            long before = cursor.DeliveredThrough ?? 0;
            var stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _watchIdleTimeout);
            await using (stream.ConfigureAwait(false))
            {
                var events = SseParser.Create(stream, WatchWire.Parse).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (events.ConfigureAwait(false))
                {
                    bool started = await TryStartAsync(stream, cursor, cancellationToken).ConfigureAwait(false);
                    while (started)
                    {
                        bool more;
                        try
                        {
                            more = await events.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
                        {
                            // The node went away mid-stream (killed, cut off, hung): resume elsewhere after the last whole seq.
                            break;
                        }
                        if (!more) break;
                        foreach (var change in cursor.Accept(events.Current)) yield return change;
                        if (cursor.CloseReason is not null) break;
                    }
                }
            }

            // The node ended the stream, or lost it: another node takes over, from the same place.
            if (response.RequestMessage?.RequestUri is { } node) MarkDown(node);
            KvClientTelemetry.WatchResumes.Add(1, new KeyValuePair<string, object?>(KvClientTelemetry.ReasonTag, cursor.CloseReason ?? "broken"));
            // A stream that ends without delivering anything, again and again, is not retried in a tight loop.
            fruitless = (cursor.DeliveredThrough ?? 0) > before ? 0 : fruitless + 1;
            if (fruitless > 0) await Task.Delay(Backoff(fruitless - 1), cancellationToken).ConfigureAwait(false);
        }
    }

    private HttpRequestMessage WatchRequest(Uri endpoint, string prefix, long? lastEventId, long? from)
    {
        string path = "v1/watch?prefix=" + Uri.EscapeDataString(prefix) + (from is { } f ? "&from=" + f.ToString(CultureInfo.InvariantCulture) : "");
        var request = new HttpRequestMessage(HttpMethod.Get, NodeUri(endpoint, path));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>
    /// Reads a stream's first line, <c>: watching from seq N</c>, which says where a watch without a start begins, so that a
    /// stream lost before its first event is resumed from there and not from a later "now". False when the stream broke first.
    /// </summary>
    private static async Task<bool> TryStartAsync(Stream stream, WatchCursor cursor, CancellationToken cancellationToken)
    {
        var line = new List<byte>(64);
        var one = new byte[1];
        try
        {
            // Byte by byte: the parser must get the stream right after this line; HttpClient buffers the reads underneath.
            while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1 && one[0] != (byte)'\n')
            {
                if (line.Count > 1024) break;
                line.Add(one[0]);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            return false;
        }
        string text = Encoding.UTF8.GetString([.. line]);
        if (!text.StartsWith(WatchWire.CommentPrefix, StringComparison.Ordinal)) return false;
        string digits = new([.. text[WatchWire.CommentPrefix.Length..].TakeWhile(char.IsAsciiDigit)]);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long start)) return false;
        cursor.Started(start);
        return true;
    }

    private static async Task<KvHistoryCompactedException> CompactedAsync(HttpResponseMessage response, string prefix, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
        string oldest = problem?.OldestSeq is { } seq ? $" The oldest seq a watch can start from is {seq}." : "";
        return new KvHistoryCompactedException(
            $"WATCH {prefix}: 410 {problem?.Title ?? "Gone"}: the changes asked for are no longer kept.{oldest} Read the current values, " +
            "then watch from the seq they were read at + 1.", problem?.OldestSeq, problem?.Title, problem?.Detail);
    }

    // A node whose stream broke or closed is tried after the others for a while.
    private void MarkDown(Uri requestUri)
    {
        for (int i = 0; i < _endpoints.Length; i++)
        {
            if (Uri.Compare(_endpoints[i], requestUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                Volatile.Write(ref _downUntil[i], Environment.TickCount64 + (long)EndpointCooldown.TotalMilliseconds);
            }
        }
    }
}
