using KvCluster.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Named_endpoints_are_read_in_index_order_and_picked_by_scheme()
    {
        var resolver = Resolver(new()
        {
            ["services:coordinator:http:1"] = "http://127.0.0.1:5102",
            ["services:coordinator:http:0"] = "http://127.0.0.1:5101",
            ["services:coordinator:https:0"] = "https://127.0.0.1:7101",
        });

        Assert.Equal(["http://127.0.0.1:5101/", "http://127.0.0.1:5102/"], resolver.Resolve(new Uri("http://coordinator/x")).Select(u => u.ToString()));
        Assert.Equal(["https://127.0.0.1:7101/"], resolver.Resolve(new Uri("https://coordinator")).Select(u => u.ToString()));
        Assert.Equal(["https://127.0.0.1:7101/"], resolver.Resolve(new Uri("https+http://coordinator")).Select(u => u.ToString()));
        Assert.Equal(["https://127.0.0.1:7101/"], resolver.Resolve(new Uri("http://_https.coordinator")).Select(u => u.ToString()));
        Assert.Equal(["http://127.0.0.1:5101/", "http://127.0.0.1:5102/"], resolver.Resolve("coordinator").Select(u => u.ToString()));
    }

    [Fact]
    public void Environment_variables_unnamed_lists_and_bare_host_port_values_resolve()
    {
        // A prefix of our own keeps the variable from leaking into other tests' configuration.
        var prefix = $"KVTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "services__node__0", "127.0.0.1:5201");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var resolver = new ServiceEndpointResolver(configuration);

            Assert.Equal(["http://127.0.0.1:5201/"], resolver.Resolve(new Uri("http://node/")).Select(u => u.ToString()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "services__node__0", null);
        }
    }

    [Fact]
    public void An_unknown_service_resolves_to_nothing()
    {
        var resolver = Resolver(new() { ["services:coordinator:http:0"] = "http://127.0.0.1:5101" });

        Assert.Empty(resolver.Resolve(new Uri("http://localhost:5101/")));
    }

    [Fact]
    public void Configuration_reload_is_seen()
    {
        var source = new Dictionary<string, string?> { ["services:node:http:0"] = "http://127.0.0.1:1" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        var resolver = new ServiceEndpointResolver(configuration);
        Assert.Single(resolver.Resolve(new Uri("http://node")));

        configuration["services:node:http:1"] = "http://127.0.0.1:2";
        configuration.Reload();

        Assert.Equal(2, resolver.Resolve(new Uri("http://node")).Count);
    }
}
