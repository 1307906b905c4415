using KvCluster.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The KvCluster client integration: registers <see cref="IKvClient"/> from a connection string, with a health check,
/// traces and metrics, as .NET Aspire's client integrations do.
/// </summary>
public static class KvClusterClientExtensions
{
    /// <summary>The configuration section the settings are bound from: <c>KvCluster:Client</c>.</summary>
    public const string DefaultConfigSectionName = "KvCluster:Client";

    /// <summary>
    /// Registers <see cref="IKvClient"/> (and <see cref="KvClient"/>) as a singleton for the cluster that
    /// <c>ConnectionStrings:{connectionName}</c> names, sending through an <see cref="HttpClient"/> from
    /// <see cref="IHttpClientFactory"/>; adds a health check, and the client's traces and metrics to OpenTelemetry.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="connectionName">The connection string's name: in an Aspire app, the name of the KvCluster resource (<c>"kv"</c>).</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    /// <remarks>A missing or malformed connection string is an <see cref="InvalidOperationException"/> when the client is first resolved.</remarks>
    public static void AddKvClusterClient(this IHostApplicationBuilder builder, string connectionName,
        Action<KvClusterClientSettings>? configureSettings = null) =>
        AddKvClusterClient(builder, connectionName, serviceKey: null, configureSettings);

    /// <summary>
    /// Registers <see cref="IKvClient"/> (and <see cref="KvClient"/>) as a keyed singleton under <paramref name="name"/>,
    /// for an application that talks to more than one cluster; otherwise as <see cref="AddKvClusterClient(IHostApplicationBuilder, string, Action{KvClusterClientSettings}?)"/>.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="name">The connection string's name, and the service key.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddKeyedKvClusterClient(this IHostApplicationBuilder builder, string name,
        Action<KvClusterClientSettings>? configureSettings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddKvClusterClient(builder, name, serviceKey: name, configureSettings);
    }

    private static void AddKvClusterClient(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<KvClusterClientSettings>? configureSettings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new KvClusterClientSettings();
        var section = builder.Configuration.GetSection(DefaultConfigSectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString) settings.ConnectionString = connectionString;
        configureSettings?.Invoke(settings);

        string httpClientName = $"{KvClientTelemetry.Name}:{connectionName}";
        // RemoveAllResilienceHandlers is marked experimental; it is the one way to undo ConfigureHttpClientDefaults' handler.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(httpClientName)
            // The client retries and fails over itself, holding one idempotency key per call: a resilience handler added
            // to every HttpClient (Aspire's service defaults add one) would retry on the same node and time out watch streams.
            .RemoveAllResilienceHandlers()
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // One long-lived HttpClient in a singleton: connections are recycled by the handler rather than by the factory.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001

        KvClient Create(IServiceProvider services) =>
            new(settings.ToOptions(connectionName), services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName));

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
            builder.Services.AddSingleton<IKvClient>(services => services.GetRequiredService<KvClient>());
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (services, _) => Create(services));
            builder.Services.AddKeyedSingleton<IKvClient>(serviceKey, (services, key) => services.GetRequiredKeyedService<KvClient>(key));
        }

        if (!settings.DisableHealthChecks)
        {
            string checkName = serviceKey is null ? "KvCluster.Client" : $"KvCluster.Client_{connectionName}";
            // Once per name: the health check service refuses two checks of one name.
            if (builder.Properties.TryAdd($"{KvClientTelemetry.Name}.HealthCheck.{checkName}", true))
            {
                builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(checkName,
                    services => new KvClusterHealthCheck(serviceKey is null
                        ? services.GetRequiredService<KvClient>()
                        : services.GetRequiredKeyedService<KvClient>(serviceKey)),
                    failureStatus: default, tags: default, timeout: settings.HealthCheckTimeout));
            }
        }
        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(KvClientTelemetry.Name));
        }
        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(KvClientTelemetry.Name));
        }
    }
}
