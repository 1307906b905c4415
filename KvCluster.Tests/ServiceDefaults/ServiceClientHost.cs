using KvCluster.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// The HTTP client side of a service built with AddServiceDefaults, configured only from the given
/// settings, with backoffs short enough for tests.
/// </summary>
internal sealed class ServiceClientHost : IDisposable
{
    private readonly IHost _host;

    public ServiceClientHost(IDictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        builder.Services.Configure<HttpResilienceOptions>(options =>
        {
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
            options.TotalRequestTimeout = TimeSpan.FromSeconds(20);
        });
        _host = builder.Build();
    }

    public HttpClient CreateClient() => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    public void Dispose() => _host.Dispose();
}
