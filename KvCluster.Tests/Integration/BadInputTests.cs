using System.Net;
using System.Text;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>Bad input gets a clear problem+json answer and changes nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bad_requests_get_problem_answers_and_leave_the_log_untouched()
    {
        // A small value limit, so the 413 case needs no megabytes.
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1,
            new Dictionary<string, string> { ["Kv__MaxValueBytes"] = "1000" });
        var client = cluster.NodeClients[0];
        using (var seed = await PutAsync(client, "existing", "original")) seed.EnsureSuccessStatusCode();
        long head = await HeadAsync(client);

        async Task ExpectAsync(HttpStatusCode status, HttpRequestMessage request, string because)
        {
            using (request)
            using (var response = await client.SendAsync(request))
            {
                Assert.True(status == response.StatusCode, $"{because}: expected {status}, got {response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                string body = await response.Content.ReadAsStringAsync();
                Assert.Contains("\"title\"", body);
            }
        }

        HttpRequestMessage Put(string path, string body = "x", string? header = null, string? headerValue = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
            if (header is not null) request.Headers.TryAddWithoutValidation(header, headerValue);
            return request;
        }

        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/" + new string('k', 1025)), "a key over 1024 bytes");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/%E2%28%A1"), "a key that is not UTF-8");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/bad%01key"), "a key with a control character");
        await ExpectAsync(HttpStatusCode.RequestEntityTooLarge, Put("/v1/kv/big", new string('v', 1001)), "a value over Kv:MaxValueBytes");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/existing", "y", "If-Match", "42"), "an If-Match without quotes");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/existing", "y", "If-Match", "W/\"1\""), "a weak If-Match");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/existing", "y", "If-None-Match", "\"3\""), "If-None-Match other than *");
        await ExpectAsync(HttpStatusCode.BadRequest, Put("/v1/kv/existing", "y", "Idempotency-Key", new string('i', 300)), "an over-long Idempotency-Key");
        await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, "/v1/kv/existing?consistency=eventual"), "an unknown consistency");
        await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, "/v1/kv/existing?consistency=session")
        {
            Headers = { { "X-Kv-Min-Seq", "minus one" } },
        }, "a malformed X-Kv-Min-Seq");
        await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, "/v1/kv?limit=0"), "a list limit of 0");
        await ExpectAsync(HttpStatusCode.MethodNotAllowed, new HttpRequestMessage(HttpMethod.Post, "/v1/kv/existing"), "POST on a key");
        await ExpectAsync(HttpStatusCode.MethodNotAllowed, new HttpRequestMessage(HttpMethod.Patch, "/v1/kv/existing"), "PATCH on a key");

        Assert.Equal(head, await HeadAsync(client));
        Assert.Equal("original", await GetValueAsync(client, "existing"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read_whole()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1,
            new Dictionary<string, string> { ["Kv__MaxValueBytes"] = "1000" });
        var client = cluster.NodeClients[0];

        // Chunked: no Content-Length to refuse on, so the limit must stop the read part-way.
        using var chunked = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/streamed")
        {
            Content = new StreamContent(new MemoryStream(new byte[200_000])),
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(chunked);
        AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);

        using var missing = await GetAsync(client, "streamed");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
