using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>The HTTP client side of a service built with AddServiceDefaults, configured only as the test says.</summary>
internal sealed class ServiceClientHost : IDisposable
{
    private readonly IHost _host;

    public ServiceClientHost(IDictionary<string, string?> configuration)
        : this(builder => builder.AddInMemoryCollection(configuration))
    {
    }

    public ServiceClientHost(Action<IConfigurationBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Configuration);
        builder.AddServiceDefaults();
        _host = builder.Build();
    }

    public HttpClient CreateClient() => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    public void Dispose() => _host.Dispose();
}
