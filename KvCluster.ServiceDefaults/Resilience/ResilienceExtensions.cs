using KvCluster.ServiceDefaults.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Resilient HTTP with Polly.Core, under the name Microsoft.Extensions.Http.Resilience uses.</summary>
public static class ResilienceExtensions
{
    /// <summary>
    /// Adds total and per-attempt timeouts, retries with exponential backoff and jitter for requests
    /// that are safe to repeat (<see cref="RequestIdempotency"/>), and a circuit breaker.
    /// Add it before <c>AddServiceDiscovery</c> so each attempt resolves an endpoint afresh.
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, Action<HttpResilienceOptions>? configure = null)
    {
        // ConfigureHttpClientDefaults passes a builder without a name: its settings are the defaults.
        var optionsName = builder.Name ?? Options.Options.DefaultName;
        var options = builder.Services.AddOptions<HttpResilienceOptions>(optionsName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<ResiliencePipelineCache>();
        builder.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<ResiliencePipelineCache>(), optionsName));
        return builder;
    }
}
