using System.Net;
using KvCluster.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;

namespace KvCluster.Tests.Client;

/// <summary><c>AddKvClusterClient</c>: where the settings come from, what a bad connection string says, what gets registered.</summary>
public sealed class KvClusterClientRegistrationTests
{
    private static HostApplicationBuilder Builder(params (string Key, string Value)[] configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));
        return builder;
    }

    [Fact]
    public void The_connection_string_wins_over_the_section_and_configureSettings_has_the_last_word()
    {
        var builder = Builder(
            ("KvCluster:Client:ConnectionString", "http://section:1"),
            ("KvCluster:Client:RequestTimeout", "00:00:03"),
            ("KvCluster:Client:kv:MaxAttempts", "4"),
            ("ConnectionStrings:kv", "Endpoints=http://a:5101,http://b:5102;Token=secret"));
        KvClusterClientSettings? seen = null;
        builder.AddKvClusterClient("kv", settings =>
        {
            seen = settings;
            settings.RetryBudget = TimeSpan.FromSeconds(7);
        });

        Assert.Equal("Endpoints=http://a:5101,http://b:5102;Token=secret", seen!.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(3), seen.RequestTimeout);
        Assert.Equal(4, seen.MaxAttempts);
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<KvClient>();
        Assert.Same(client, host.Services.GetRequiredService<IKvClient>());
        Assert.Equal([new Uri("http://a:5101/"), new Uri("http://b:5102/")], client.Endpoints);
    }

    [Theory]
    [InlineData(null, "no connection string")]
    [InlineData("Endpoints=ftp://a:1", "not valid")]
    [InlineData("Endpoints=http://a:1;Password=x", "not valid")]
    public void A_missing_or_bad_connection_string_says_where_it_belongs_when_the_client_is_resolved(string? connectionString, string expected)
    {
        var builder = connectionString is null ? Builder() : Builder(("ConnectionStrings:kv", connectionString));
        builder.AddKvClusterClient("kv");
        using var host = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IKvClient>());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("kv", error.Message, StringComparison.Ordinal);
        if (connectionString is null) Assert.Contains("ConnectionStrings:kv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_asks_every_node_and_is_degraded_while_one_is_not_ready()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://a:5101"
            ? FakeNodes.Respond(HttpStatusCode.OK, body: "Healthy", mediaType: "text/plain")
            : FakeNodes.Respond(HttpStatusCode.ServiceUnavailable, body: "Unhealthy", mediaType: "text/plain"));
        var builder = Builder(("ConnectionStrings:kv", "http://a:5101,http://b:5102"));
        builder.AddKvClusterClient("kv");
        builder.Services.AddHttpClient("KvCluster.Client:kv").ConfigurePrimaryHttpMessageHandler(() => nodes);
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("KvCluster.Client", entry.Key);
        Assert.Equal(HealthStatus.Degraded, entry.Value.Status);
        Assert.Contains("http://b:5102/", entry.Value.Description, StringComparison.Ordinal);
        Assert.All(nodes.Sent, sent => Assert.Equal("/health", sent.Uri.AbsolutePath));

        nodes.Answer = _ => throw new HttpRequestException("Connection refused");
        report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }

    [Fact]
    public async Task The_resilience_handler_of_the_service_defaults_is_taken_off_the_clients_HttpClient()
    {
        var nodes = new FakeNodes(request => request.Authority == "http://a:5101"
            ? FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Log unavailable", "Retry.")
            : FakeNodes.Respond(HttpStatusCode.Created, seq: 5, version: 5, body: """{"key":"k","version":5,"created":true}"""));
        var builder = Builder(("ConnectionStrings:kv", "http://a:5101,http://b:5102"));
        // What AddServiceDefaults does to every HttpClient: a handler that would retry a 503 on the same node.
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        builder.AddKvClusterClient("kv");
        builder.Services.AddHttpClient("KvCluster.Client:kv").ConfigurePrimaryHttpMessageHandler(() => nodes);
        using var host = builder.Build();
        var kv = host.Services.GetRequiredService<IKvClient>();

        await kv.PutStringAsync("k", "v");
        await kv.PutStringAsync("k", "v");

        // Each call that started on the failing node tried it once, then the other: the client's failover, nobody else's retries.
        Assert.Equal(1, nodes.Sent.Count(r => r.Authority == "http://a:5101"));
        Assert.Equal(2, nodes.Sent.Count(r => r.Authority == "http://b:5102"));
    }

    [Fact]
    public void Registering_the_same_client_twice_adds_one_health_check()
    {
        var builder = Builder(("ConnectionStrings:kv", "http://a:5101"));
        builder.AddKvClusterClient("kv");
        builder.AddKvClusterClient("kv");
        using var host = builder.Build();

        var registrations = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Equal("KvCluster.Client", Assert.Single(registrations).Name);
    }

    [Fact]
    public void The_switches_leave_out_the_health_check_and_a_keyed_client_is_registered_under_its_name()
    {
        var builder = Builder(("ConnectionStrings:primary", "http://a:5101"), ("ConnectionStrings:other", "http://b:5102"));
        builder.AddKeyedKvClusterClient("primary", settings => settings.DisableHealthChecks = true);
        builder.AddKeyedKvClusterClient("other", settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableTracing = true;
            settings.DisableMetrics = true;
        });
        using var host = builder.Build();

        var primary = (KvClient)host.Services.GetRequiredKeyedService<IKvClient>("primary");
        var other = (KvClient)host.Services.GetRequiredKeyedService<IKvClient>("other");
        Assert.Equal("http://a:5101/", primary.Endpoints[0].AbsoluteUri);
        Assert.Equal("http://b:5102/", other.Endpoints[0].AbsoluteUri);
        Assert.Null(host.Services.GetService<IKvClient>());
        var registrations = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Empty(registrations);
    }
}
