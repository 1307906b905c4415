using System.Net;
using KvCluster.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class ResilienceTests
{
    /// <summary>A server whose first <paramref name="failures"/> requests get 503, and later ones 200.</summary>
    private static Task<LoopbackServer> FlakyServerAsync(RequestLog log, int failures) =>
        LoopbackServer.StartAsync(app => app.Map("/flaky", async (HttpRequest request) =>
        {
            await log.RecordAsync(request);
            return log.Count <= failures ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Text("ok");
        }));

    private static ServiceClientHost ClientFor(LoopbackServer server) => new(new Dictionary<string, string?>
    {
        ["services:flaky:http:0"] = server.BaseAddress.ToString(),
    });

    [Fact]
    public async Task A_get_that_fails_twice_with_503_is_retried_until_it_succeeds()
    {
        var log = new RequestLog();
        await using var server = await FlakyServerAsync(log, failures: 2);
        using var host = ClientFor(server);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("http://flaky/flaky");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public async Task A_post_without_idempotency_key_is_sent_exactly_once()
    {
        var log = new RequestLog();
        await using var server = await FlakyServerAsync(log, failures: int.MaxValue);
        using var host = ClientFor(server);
        using var client = host.CreateClient();

        using var response = await client.PostAsync("http://flaky/flaky", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, log.Count);
    }

    [Fact]
    public async Task A_post_with_idempotency_key_is_retried_with_the_same_body_and_key()
    {
        var log = new RequestLog();
        await using var server = await FlakyServerAsync(log, failures: 2);
        using var host = ClientFor(server);
        using var client = host.CreateClient();
        var key = Guid.NewGuid().ToString();

        // A byte-array body, as the node's appends have: every attempt sends the same message again.
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://flaky/flaky") { Content = new ByteArrayContent([7, 8, 9]) };
        request.Headers.Add(RequestIdempotency.IdempotencyKeyHeader, key);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, log.Count);
        Assert.All(log.Requests, r => Assert.Equal(new byte[] { 7, 8, 9 }, r.Body));
        Assert.All(log.Requests, r => Assert.Equal(key, r.IdempotencyKey));
    }

    [Fact]
    public async Task A_get_that_keeps_failing_stops_after_the_configured_retries()
    {
        var log = new RequestLog();
        await using var server = await FlakyServerAsync(log, failures: int.MaxValue);
        using var host = ClientFor(server);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("http://flaky/flaky");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1 + ResilienceSettings.MaxRetryAttempts, log.Count);
    }
}
