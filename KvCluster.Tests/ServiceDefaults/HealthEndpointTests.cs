using System.Net;
using KvCluster.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class HealthEndpointTests
{
    private static Task<LoopbackServer> ServiceWithCheckAsync(HealthStatus status, params string[] tags) =>
        LoopbackServer.StartAsync(
            app => app.MapDefaultEndpoints(),
            configureBuilder: builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks().AddCheck("redis", () => new HealthCheckResult(status), tags);
            });

    private static async Task<HttpStatusCode> GetStatusAsync(LoopbackServer server, string path)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    [Fact]
    public async Task Health_is_200_when_every_check_is_healthy()
    {
        await using var server = await ServiceWithCheckAsync(HealthStatus.Healthy);

        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(server, "/health"));
    }

    [Fact]
    public async Task Health_is_503_when_a_check_is_unhealthy()
    {
        await using var server = await ServiceWithCheckAsync(HealthStatus.Unhealthy);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await GetStatusAsync(server, "/health"));
    }

    [Fact]
    public async Task Alive_ignores_checks_not_tagged_live()
    {
        await using var server = await ServiceWithCheckAsync(HealthStatus.Unhealthy);

        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(server, "/alive"));
    }

    [Fact]
    public async Task Alive_is_503_when_a_live_check_is_unhealthy()
    {
        await using var server = await ServiceWithCheckAsync(HealthStatus.Unhealthy, HealthCheckTags.Live);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await GetStatusAsync(server, "/alive"));
    }
}
