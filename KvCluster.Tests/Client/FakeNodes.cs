using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace KvCluster.Tests.Client;

/// <summary>
/// An <see cref="HttpMessageHandler"/> standing in for a cluster's nodes: each request is recorded as it was sent, then
/// answered by <see cref="Answer"/> (which may throw, as a node that refuses the connection makes HttpClient throw).
/// </summary>
internal sealed class FakeNodes(Func<SentRequest, HttpResponseMessage> answer) : HttpMessageHandler
{
    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    public Func<SentRequest, HttpResponseMessage> Answer { get; set; } = answer;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = new SentRequest(request.Method, request.RequestUri!,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken),
            request.Content?.Headers.ContentType?.ToString());
        Sent.Enqueue(sent);
        return Answer(sent);
    }

    public static HttpResponseMessage Respond(HttpStatusCode status, long? seq = null, long? version = null, string? body = null,
        string mediaType = "application/json")
    {
        var response = new HttpResponseMessage(status);
        if (seq is long s) response.Headers.Add("X-Kv-Seq", s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (version is long v) response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue($"\"{v}\"");
        if (body is not null) response.Content = new StringContent(body, Encoding.UTF8, mediaType);
        return response;
    }

    /// <summary>A client over these fake nodes that retries at once.</summary>
    public static KvCluster.Client.KvClient Client(FakeNodes nodes, params Uri[] endpoints) => new(new KvCluster.Client.KvClientOptions
    {
        Endpoints = endpoints,
        MaxAttempts = 4,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    }, new HttpClient(nodes));

    public static HttpResponseMessage Problem(HttpStatusCode status, string title, string detail, long? seq = null) =>
        Respond(status, seq, body: $$"""{"type":"about:blank","title":"{{title}}","status":{{(int)status}},"detail":"{{detail}}"}""",
            mediaType: "application/problem+json");
}

internal sealed record SentRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, string? ContentType)
{
    public string Authority => Uri.GetLeftPart(UriPartial.Authority);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
