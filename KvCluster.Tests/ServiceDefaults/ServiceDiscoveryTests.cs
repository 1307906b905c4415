using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class ServiceDiscoveryTests
{
    [Fact]
    public async Task Requests_fail_over_from_a_refused_endpoint_to_a_live_one_even_when_not_idempotent()
    {
        var log = new RequestLog();
        await using var live = await LoopbackServer.StartAsync(app => app.MapPost("/write", async (HttpRequest request) =>
        {
            await log.RecordAsync(request);
            return Results.Ok();
        }));
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = LoopbackServer.ClosedPortAddress().ToString(),
            ["services:coordinator:http:1"] = live.BaseAddress.ToString(),
        });
        using var client = host.CreateClient();

        // Round robin starts on each endpoint in turn, so some of these go to the closed port first.
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync("http://coordinator/write", new ByteArrayContent([1, 2, 3]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A POST is never retried, so every arrival after a refused connection came from failover.
        Assert.Equal(4, log.Count);
    }

    [Fact]
    public async Task Requests_rotate_round_robin_between_live_endpoints()
    {
        await using var first = await LoopbackServer.StartAsync(app => app.MapGet("/who", () => "first"));
        await using var second = await LoopbackServer.StartAsync(app => app.MapGet("/who", () => "second"));
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:node:http:0"] = first.BaseAddress.ToString(),
            ["services:node:http:1"] = second.BaseAddress.ToString(),
        });
        using var client = host.CreateClient();

        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await client.GetStringAsync("http://node/who"));
        }

        Assert.Equal(5, answers.Count(a => a == "first"));
        Assert.Equal(5, answers.Count(a => a == "second"));
    }

    [Fact]
    public async Task A_retry_after_a_server_error_goes_to_another_endpoint()
    {
        await using var failing = await LoopbackServer.StartAsync(app => app.MapGet("/value", () => Results.StatusCode(503)));
        await using var healthy = await LoopbackServer.StartAsync(app => app.MapGet("/value", () => "ok"));
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:node:http:0"] = failing.BaseAddress.ToString(),
            ["services:node:http:1"] = healthy.BaseAddress.ToString(),
        });
        using var client = host.CreateClient();

        // Resilience is the outer handler: each attempt resolves the service name again.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("http://node/value"));
        }
    }

    [Fact]
    public async Task A_host_that_is_not_a_service_name_passes_through_unchanged()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/direct", () => "direct"));
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = LoopbackServer.ClosedPortAddress().ToString(),
        });
        using var client = host.CreateClient();

        Assert.Equal("direct", await client.GetStringAsync(new Uri(server.BaseAddress, "/direct")));
    }

    [Fact]
    public async Task When_every_endpoint_refuses_the_connection_error_surfaces()
    {
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = LoopbackServer.ClosedPortAddress().ToString(),
            ["services:coordinator:http:1"] = LoopbackServer.ClosedPortAddress().ToString(),
        });
        using var client = host.CreateClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://coordinator/write", new ByteArrayContent([1])));
    }
}
