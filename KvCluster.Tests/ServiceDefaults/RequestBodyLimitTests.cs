using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using KvCluster.ServiceDefaults.Http;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>Every route of a service takes a bounded body: 64 KiB unless the route declares more.</summary>
public sealed class RequestBodyLimitTests
{
    private static Task<LoopbackServer> ServiceAsync() =>
        LoopbackServer.StartAsync(
            app =>
            {
                app.UseServiceDefaults();
                app.MapPost("/default", (Delegate)ReadAllAsync);
                app.MapPost("/large", (Delegate)ReadAllAsync).WithRequestBodyLimit(1024 * 1024);
            },
            configureBuilder: builder => builder.AddServiceDefaults());

    private static async Task<IResult> ReadAllAsync(HttpContext context)
    {
        var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy);
        return Results.Ok(copy.Length);
    }

    [Theory]
    [InlineData("/default", 64 * 1024, 200)]
    [InlineData("/default", 1000, 200)]
    [InlineData("/default", 64 * 1024 + 1, 413)]
    [InlineData("/large", 1024 * 1024, 200)]
    [InlineData("/large", 1024 * 1024 + 1, 413)]
    public async Task A_body_over_the_routes_limit_is_a_413_problem(string path, int length, int status)
    {
        await using var server = await ServiceAsync();
        // With a Content-Length: Kestrel counts a chunked body's framing against the limit too.
        string request = $"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n" +
            new string('v', length);

        string answer = await RawHttp.SendAsync(server.BaseAddress, request);

        Assert.StartsWith($"HTTP/1.1 {status}", answer);
        if (status != 200) Assert.Contains("application/problem+json", answer);
    }
}
