using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class ServiceDiscoveryTests
{
    private static Task<LoopbackServer> CoordinatorStubAsync(RequestLog log) =>
        LoopbackServer.StartAsync(app => app.MapPost("/write", async (HttpRequest request) =>
        {
            await log.RecordAsync(request);
            return Results.Ok();
        }));

    [Fact]
    public async Task The_coordinator_service_name_resolves_from_configuration()
    {
        var log = new RequestLog();
        await using var coordinator = await CoordinatorStubAsync(log);
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = coordinator.BaseAddress.ToString(),
        });
        using var client = host.CreateClient();

        using var response = await client.PostAsync("http://coordinator/write", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/write", Assert.Single(log.Requests).Path);
    }

    [Fact]
    public async Task The_coordinator_resolves_from_the_environment_variable_the_AppHost_sets()
    {
        var log = new RequestLog();
        await using var coordinator = await CoordinatorStubAsync(log);
        // A prefix of our own keeps the variable from leaking into other tests' configuration.
        var prefix = $"KVTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "services__coordinator__http__0", coordinator.BaseAddress.GetLeftPart(UriPartial.Authority));
        try
        {
            using var host = new ServiceClientHost(configuration => configuration.AddEnvironmentVariables(prefix));
            using var client = host.CreateClient();

            using var response = await client.PostAsync("http://coordinator/write", new ByteArrayContent([1]));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, log.Count);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "services__coordinator__http__0", null);
        }
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

        // Resilience is the outer handler: each attempt resolves the service name again, round robin.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("http://node/value"));
        }
    }

    [Fact]
    public async Task A_host_that_is_not_a_service_name_passes_through_unchanged()
    {
        // The coordinator fetches snapshots from the URL a node registered, not from a service name.
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/direct", () => "direct"));
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = LoopbackServer.ClosedPortAddress().ToString(),
        });
        using var client = host.CreateClient();

        Assert.Equal("direct", await client.GetStringAsync(new Uri(server.BaseAddress, "/direct")));
    }

    [Fact]
    public async Task When_the_coordinator_refuses_the_connection_the_error_surfaces()
    {
        using var host = new ServiceClientHost(new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = LoopbackServer.ClosedPortAddress().ToString(),
        });
        using var client = host.CreateClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://coordinator/write", new ByteArrayContent([1])));
    }
}
