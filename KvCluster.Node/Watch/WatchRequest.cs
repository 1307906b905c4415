using System.Globalization;
using KvCluster.Node.Api;

namespace KvCluster.Node.Watch;

/// <summary>
/// What a watch asks for: <c>?prefix=</c> or <c>?key=</c> (neither: every key), and where to start: <c>Last-Event-ID: N</c>
/// (after N) or else <c>?from=SEQ</c> (at SEQ); neither, <see cref="Start"/> is null: from this node's position.
/// </summary>
internal sealed record WatchRequest(WatchFilter Filter, long? Start)
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public static bool TryParse(HttpRequest request, out WatchRequest watch, out string error)
    {
        watch = new WatchRequest(WatchFilter.Everything, null);
        var query = request.Query;
        if (query["prefix"].Count > 1 || query["key"].Count > 1 || query["from"].Count > 1)
        {
            error = "Give prefix, key and from at most once each.";
            return false;
        }
        string? prefix = query["prefix"].FirstOrDefault();
        string? key = query["key"].FirstOrDefault();
        WatchFilter filter;
        if (prefix is not null && key is not null)
        {
            error = "Give prefix or key, not both.";
            return false;
        }
        if (key is not null)
        {
            if (!KeyPath.IsValidKey(key, out string keyError))
            {
                error = $"Invalid key: {keyError}";
                return false;
            }
            filter = WatchFilter.ForKey(key);
        }
        else if (!string.IsNullOrEmpty(prefix))
        {
            if (!KeyPath.IsValidKey(prefix, out string prefixError))
            {
                error = $"Invalid prefix: {prefixError.Replace("key", "prefix", StringComparison.Ordinal)}";
                return false;
            }
            filter = WatchFilter.ForPrefix(prefix);
        }
        else
        {
            filter = WatchFilter.Everything;
        }

        long? start = null;
        if (query["from"].FirstOrDefault() is { } fromText)
        {
            if (!long.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out long from) || from < 1)
            {
                error = "from must be a sequence number (an integer of 1 or more): the first change to send.";
                return false;
            }
            start = from;
        }
        if (request.Headers[LastEventIdHeader].Count > 0)
        {
            string text = request.Headers[LastEventIdHeader].ToString();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long lastEventId) || lastEventId == long.MaxValue)
            {
                error = $"{LastEventIdHeader} must be the id of a watch event (a sequence number); the stream resumes after it.";
                return false;
            }
            // Last-Event-ID wins over from: a reconnecting EventSource sends it on the URL it first used.
            start = lastEventId + 1;
        }
        watch = new WatchRequest(filter, start);
        error = "";
        return true;
    }
}
