using System.Globalization;
using System.Net;

namespace KvCluster.Tests.Watch;

/// <summary>
/// A client's watch stream (GET /v1/watch) on its own connection, read event by event with a deadline on each read.
/// Disposing it drops the connection, as a killed client would.
/// </summary>
internal sealed class WatchConnection : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader? _reader;

    private WatchConnection(HttpClient http, HttpResponseMessage response, StreamReader? reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpStatusCode Status => _response.StatusCode;

    public HttpResponseMessage Response => _response;

    public SseParser Parser { get; } = new();

    public static async Task<WatchConnection> OpenAsync(Uri node, string pathAndQuery, long? lastEventId = null, string? token = null)
    {
        // No client timeout: a stream lasts; each read below has its own deadline.
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id) request.Headers.TryAddWithoutValidation("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connecting.Token);
            StreamReader? reader = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? new StreamReader(await response.Content.ReadAsStreamAsync(connecting.Token))
                : null;
            return new WatchConnection(http, response, reader);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The next event (comments go to <see cref="Parser"/>); null when the stream ended.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan timeout)
    {
        if (_reader is null) throw new InvalidOperationException($"Not an event stream: {(int)_response.StatusCode} {await _response.Content.ReadAsStringAsync()}");
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No event within {timeout.TotalSeconds:0.#} s (last event id {Parser.LastEventId ?? "none"}).");
            }
            if (line is null) return null;
            if (Parser.Line(line) is { } completed) return completed;
        }
    }

    /// <summary>The next comment line, skipping nothing but comments.</summary>
    public async Task<string> NextCommentAsync(TimeSpan timeout)
    {
        int seen = Parser.Comments.Count;
        using var deadline = new CancellationTokenSource(timeout);
        while (Parser.Comments.Count == seen)
        {
            string? line = await _reader!.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("The stream ended.");
            if (Parser.Line(line) is { } unexpected) throw new InvalidOperationException($"An event came first: {unexpected}");
        }
        return Parser.Comments[seen];
    }

    public async ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}
