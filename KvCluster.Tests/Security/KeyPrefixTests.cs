using System.Net;
using System.Text.Json;

namespace KvCluster.Tests.Security;

/// <summary>A token with a prefix (Kv:Auth:Tokens:{name}:Prefix = "app/") touches only keys under it, on every key route and in lists.</summary>
public sealed class KeyPrefixTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    private HttpClient Client() => new() { BaseAddress = services.Node.BaseAddress };

    private async Task<HttpStatusCode> SendAsync(HttpRequestMessage request, string token)
    {
        using var http = Client();
        using var response = await http.SendAsync(request.WithToken(token));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_prefixed_writer_writes_keys_under_its_prefix_and_no_others_on_every_key_route()
    {
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put("/v1/kv/app/mine", "v"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Json(HttpMethod.Put, "/key-value-store/app/kevin", """{"value":1}"""), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Request.Json(HttpMethod.Put, "/api/v1/app/boxer", """{"value":1}"""), TestTokens.AppWriter));

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Put("/v1/kv/other/theirs", "v"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Delete("/v1/kv/other/theirs"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get("/v1/kv/other/theirs"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Json(HttpMethod.Put, "/key-value-store/other", """{"value":1}"""), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Json(HttpMethod.Post, "/api/v1/other", """{"value":1}"""), TestTokens.AppWriter));
        // "ap" is not under "app/": the prefix is matched as it is written, not as a path segment.
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Put("/v1/kv/ap", "v"), TestTokens.AppWriter));

        // Nothing was written by the refused requests.
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(Request.Get("/v1/kv/other/theirs"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(Request.Get("/v1/kv/other"), TestTokens.Admin));
    }

    [Fact]
    public async Task The_key_checked_is_the_key_the_route_uses_even_when_the_path_has_dot_segments()
    {
        // Kestrel routes "/v1/kv/other/../app/x" as "/v1/kv/app/x", but the key endpoint reads "other/../app/x" from the
        // raw target: that is the key written, and it is outside the prefix.
        using var http = Client();
        using var sneaky = await http.SendAsync(Request.Raw(HttpMethod.Put, services.Node.BaseAddress, "/v1/kv/other/../app/x")
            .WithToken(TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, sneaky.StatusCode);
        using var encoded = await http.SendAsync(Request.Raw(HttpMethod.Put, services.Node.BaseAddress, "/v1/kv/other%2F..%2Fapp%2Fx")
            .WithToken(TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, encoded.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(Request.Get("/v1/kv/app/x"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(Request.Get("/v1/kv/other%2F..%2Fapp%2Fx"), TestTokens.Admin));
    }

    [Fact]
    public async Task A_prefixed_reader_reads_and_lists_only_under_its_prefix_and_cannot_write()
    {
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put("/v1/kv/app/listed", "v"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put("/v1/kv/zzz/hidden", "v"), TestTokens.Admin));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(Request.Get("/v1/kv/app/listed"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get("/v1/kv/zzz/hidden"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Put("/v1/kv/app/listed", "w"), TestTokens.AppReader));

        // A list must ask for a prefix within the token's: no prefix, or another, would show other keys.
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get("/v1/kv"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get("/v1/kv?prefix=zzz/"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get("/v1/kv?prefix=ap"), TestTokens.AppReader));

        using var http = Client();
        using var list = await http.SendAsync(Request.Get("/v1/kv?prefix=app/").WithToken(TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var keys = page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("key").GetString()!).ToList();
        Assert.Contains("app/listed", keys);
        Assert.All(keys, key => Assert.StartsWith("app/", key));
    }

    [Fact]
    public async Task A_prefixed_token_acts_only_on_leases_whose_keys_are_all_under_its_prefix()
    {
        // Admin's lease holds a key outside app/ and one inside; the app writer's own lease holds only app/ keys.
        const string mixed = "00000000000a11ce", own = "00000000000a11cf";
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Json(HttpMethod.Post, "/v1/leases", $$"""{"ttlSeconds":60,"id":"{{mixed}}"}"""), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put($"/v1/kv/other/leased?lease={mixed}", "v"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put($"/v1/kv/app/leased-too?lease={mixed}", "v"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Json(HttpMethod.Post, "/v1/leases", $$"""{"ttlSeconds":60,"id":"{{own}}"}"""), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Request.Put($"/v1/kv/app/mine-leased?lease={own}", "v"), TestTokens.AppWriter));

        // Revoking would delete other/leased, keeping alive would keep it, describing would name it.
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Delete($"/v1/leases/{mixed}"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Post($"/v1/leases/{mixed}/keepalive"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Request.Get($"/v1/leases/{mixed}"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(Request.Get("/v1/kv/other/leased"), TestTokens.Admin));

        using var http = Client();
        using var list = await http.SendAsync(Request.Get("/v1/leases").WithToken(TestTokens.AppReader));
        using var ids = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var listed = ids.RootElement.GetProperty("leases").EnumerateArray().Select(id => id.GetString()).ToList();
        Assert.Contains(own, listed);
        Assert.DoesNotContain(mixed, listed);

        Assert.Equal(HttpStatusCode.OK, await SendAsync(Request.Get($"/v1/leases/{own}"), TestTokens.AppReader));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(Request.Delete($"/v1/leases/{own}"), TestTokens.AppWriter));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(Request.Get("/v1/kv/app/mine-leased"), TestTokens.Admin));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(Request.Delete($"/v1/leases/{mixed}"), TestTokens.Admin));
    }
}
