using System.Net;
using KvCluster.Tests.Security;

namespace KvCluster.Tests.Watch;

/// <summary>
/// GET /v1/watch on a node hosted in-process with client tokens on: a token with a prefix watches only inside it, and
/// bad requests are 400 problem details before anything streams.
/// </summary>
public sealed class WatchAccessTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    private async Task<(HttpStatusCode Status, string? MediaType)> AskAsync(string pathAndQuery, string token, long? lastEventId = null)
    {
        await using var watch = await WatchConnection.OpenAsync(services.Node.BaseAddress, pathAndQuery, lastEventId, token);
        return (watch.Status, watch.Response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/v1/watch?prefix=app/", HttpStatusCode.OK)]
    [InlineData("/v1/watch?prefix=app/config/", HttpStatusCode.OK)]
    [InlineData("/v1/watch?key=app/settings", HttpStatusCode.OK)]
    [InlineData("/v1/watch?prefix=billing/", HttpStatusCode.Forbidden)]
    [InlineData("/v1/watch?key=billing/settings", HttpStatusCode.Forbidden)]
    [InlineData("/v1/watch?prefix=ap", HttpStatusCode.Forbidden)]
    [InlineData("/v1/watch", HttpStatusCode.Forbidden)]
    [InlineData("/v1/watch?prefix=", HttpStatusCode.Forbidden)]
    [InlineData("/v1/watch?prefix=app/&key=billing/x", HttpStatusCode.Forbidden)]
    public async Task A_token_with_a_prefix_watches_inside_it_and_never_everything(string pathAndQuery, HttpStatusCode expected)
    {
        var (status, mediaType) = await AskAsync(pathAndQuery, TestTokens.AppReader);

        Assert.Equal(expected, status);
        Assert.Equal(expected == HttpStatusCode.OK ? "text/event-stream" : "application/problem+json", mediaType);
    }

    [Fact]
    public async Task A_token_without_a_prefix_watches_every_key()
    {
        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), await AskAsync("/v1/watch", TestTokens.Reader));
    }

    [Theory]
    [InlineData("/v1/watch?prefix=app/&key=app/x")]
    [InlineData("/v1/watch?from=abc")]
    [InlineData("/v1/watch?from=0")]
    [InlineData("/v1/watch?from=-3")]
    [InlineData("/v1/watch?from=1&from=2")]
    [InlineData("/v1/watch?key=")]
    [InlineData("/v1/watch?key=a%01b")]
    [InlineData("/v1/watch?prefix=a%0Ab")]
    public async Task A_bad_watch_is_400_problem_details(string pathAndQuery)
    {
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), await AskAsync(pathAndQuery, TestTokens.Admin));
    }

    [Fact]
    public async Task A_bad_Last_Event_ID_is_400_and_a_good_one_wins_over_from()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/watch");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "seven");
        request.Headers.Authorization = new("Bearer", TestTokens.Admin);
        using var http = new HttpClient { BaseAddress = services.Node.BaseAddress };
        using var refused = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Last-Event-ID", await refused.Content.ReadAsStringAsync());

        await using var resumed = await WatchConnection.OpenAsync(services.Node.BaseAddress, "/v1/watch?from=1", lastEventId: 41, token: TestTokens.Admin);
        Assert.Equal("watching from seq 42", await resumed.NextCommentAsync(TimeSpan.FromSeconds(10)));
    }
}
