namespace KvCluster.Client;

/// <summary>
/// What <c>AddKvClusterClient</c> reads: bound from the <c>KvCluster:Client</c> configuration section (then
/// <c>KvCluster:Client:{name}</c>), with <c>ConnectionStrings:{name}</c> as the connection string when it is set, then
/// handed to the caller's <c>configureSettings</c>.
/// </summary>
public sealed class KvClusterClientSettings
{
    /// <summary>
    /// <c>Endpoints=http://host:port,http://host:port</c>, with <c>;Token=...</c> when the cluster requires tokens, or a bare
    /// comma-separated list of node URLs (<see cref="KvClientOptions.Parse"/>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long one attempt on one node may take before the client tries another; the client's default (10 s) when null.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Attempts per call over all nodes; the client's default (10) when null.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Total time a call may spend in attempts and waits; the client's default (30 s) when null.</summary>
    public TimeSpan? RetryBudget { get; set; }

    /// <summary>How long a watch stream may be silent before it is resumed on another node; the client's default (45 s) when null.</summary>
    public TimeSpan? WatchIdleTimeout { get; set; }

    /// <summary>True to register no health check. The check asks every node's <c>/health</c>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check may take; the health check service's own limit when null.</summary>
    public TimeSpan? HealthCheckTimeout { get; set; }

    /// <summary>True to leave the client's spans (source <c>KvCluster.Client</c>) out of OpenTelemetry tracing.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>True to leave the client's metrics (meter <c>KvCluster.Client</c>) out of OpenTelemetry metrics.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>The client options these settings make.</summary>
    /// <param name="connectionName">The name the settings were read for, to say where the connection string belongs.</param>
    /// <exception cref="InvalidOperationException">The connection string is missing or malformed.</exception>
    internal KvClientOptions ToOptions(string connectionName)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(
                $"KvCluster client '{connectionName}': no connection string. Give ConnectionStrings:{connectionName} " +
                $"(Endpoints=http://host:port,http://host:port, or a comma-separated list of node URLs; in an Aspire app, " +
                $".WithReference(kv) on the service does it), or KvCluster:Client:ConnectionString.");
        }
        KvClientOptions options;
        try
        {
            options = KvClientOptions.Parse(ConnectionString);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"KvCluster client '{connectionName}': the connection string is not valid: {e.Message}", e);
        }
        if (RequestTimeout is { } requestTimeout) options.RequestTimeout = requestTimeout;
        if (MaxAttempts is { } maxAttempts) options.MaxAttempts = maxAttempts;
        if (RetryBudget is { } retryBudget) options.RetryBudget = retryBudget;
        if (WatchIdleTimeout is { } watchIdleTimeout) options.WatchIdleTimeout = watchIdleTimeout;
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"KvCluster client '{connectionName}': {e.Message}", e);
        }
        return options;
    }
}
