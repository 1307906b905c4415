using System.Text.Json;

namespace KvCluster.Tests.Watch;

/// <summary>One server-sent event as a client sees it: its own id line (null when it had none), event type and data.</summary>
internal sealed record SseEvent(string? Id, string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    public long Seq => Json.GetProperty("seq").GetInt64();

    public string Key => Json.GetProperty("key").GetString()!;
}

/// <summary>
/// Parses text/event-stream as the HTML spec's EventSource does (lines; "field: value"; a blank line dispatches), keeping
/// comment lines apart, and tracks the last event id as a browser would (an event without an id line keeps the previous).
/// </summary>
internal sealed class SseParser
{
    private string? _id;
    private string _event = "";
    private readonly List<string> _data = [];

    public List<string> Comments { get; } = [];

    /// <summary>The id a reconnecting EventSource would send as Last-Event-ID.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Takes one line (without its line break); returns the event a blank line completes.</summary>
    public SseEvent? Line(string line)
    {
        if (line.Length == 0)
        {
            if (_data.Count == 0 && _id is null && _event.Length == 0) return null;
            var completed = new SseEvent(_id, _event.Length == 0 ? "message" : _event, string.Join('\n', _data));
            if (_id is not null) LastEventId = _id;
            _id = null;
            _event = "";
            _data.Clear();
            return completed;
        }
        if (line[0] == ':')
        {
            Comments.Add(line[1..].TrimStart());
            return null;
        }
        int colon = line.IndexOf(':');
        string field = colon < 0 ? line : line[..colon];
        string value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.StartsWith(' ')) value = value[1..];
        switch (field)
        {
            case "id": _id = value; break;
            case "event": _event = value; break;
            case "data": _data.Add(value); break;
        }
        return null;
    }

    public static (List<SseEvent> Events, SseParser Parser) ParseAll(string text)
    {
        var parser = new SseParser();
        var events = new List<SseEvent>();
        foreach (string line in text.Split('\n'))
        {
            if (parser.Line(line) is { } completed) events.Add(completed);
        }
        return (events, parser);
    }
}
