using System.Net;
using KvCluster.Log.InMemory;

namespace KvCluster.Tests.Security;

/// <summary>Kv:Auth:RateLimit: each client token has its own bucket; past it, 429 with Retry-After, and other tokens carry on.</summary>
public sealed class RateLimitTests
{
    private const string SecondAdmin = "second-admin-secret-77e1";

    [Fact]
    public async Task A_token_past_its_rate_gets_429_with_Retry_After_and_another_token_is_not_held_back()
    {
        var settings = TestTokens.Settings();
        settings["Kv:Auth:RateLimit:PermitsPerSecond"] = "1";
        settings["Kv:Auth:RateLimit:Burst"] = "2";
        settings["Kv:Auth:Tokens:second-admin:Secret"] = SecondAdmin;
        settings["Kv:Auth:Tokens:second-admin:Role"] = "admin";
        // /v1/runtime needs no Redis: the address is never connected to.
        await using var coordinator = await SecuredCoordinatorHost.StartAsync(new InMemoryReplicatedLog(), "127.0.0.1:1,abortConnect=false", settings);
        using var http = new HttpClient { BaseAddress = coordinator.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 3; i++)
        {
            var response = await http.SendAsync(Request.Get("/v1/runtime").WithToken(TestTokens.Admin));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        using var other = await http.SendAsync(Request.Get("/v1/runtime").WithToken(SecondAdmin));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(TestTokens.Admin, await limited.Content.ReadAsStringAsync());
        limited.Dispose();
        // Another token has a bucket of its own.
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_token_are_not_counted_against_any()
    {
        var settings = TestTokens.Settings();
        settings["Kv:Auth:RateLimit:PermitsPerSecond"] = "1";
        settings["Kv:Auth:RateLimit:Burst"] = "1";
        await using var coordinator = await SecuredCoordinatorHost.StartAsync(new InMemoryReplicatedLog(), "127.0.0.1:1,abortConnect=false", settings);
        using var http = new HttpClient { BaseAddress = coordinator.BaseAddress };

        for (int i = 0; i < 5; i++)
        {
            using var probe = await http.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
        using var admin = await http.SendAsync(Request.Get("/v1/runtime").WithToken(TestTokens.Admin));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
