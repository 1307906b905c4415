namespace KvCluster.Client;

/// <summary>Where a <see cref="KvClient"/> finds the cluster, and how long it keeps trying.</summary>
public sealed class KvClientOptions
{
    /// <summary>The nodes' base URLs (<c>http://127.0.0.1:5101</c>). Any node serves every request; the client spreads calls over them and skips one that fails.</summary>
    public IList<Uri> Endpoints { get; set; } = [];

    /// <summary>The client token, sent as <c>Authorization: Bearer</c> on every request; null when the cluster runs without tokens.</summary>
    public string? Token { get; set; }

    /// <summary>How long one attempt on one node may take before the client tries another (10 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per call, over all nodes, before it fails with <see cref="KvUnavailableException"/> (10).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Total time a call may spend in attempts and the waits between them (30 s).</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the first retry (100 ms); it doubles with each retry, up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts (2 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a watch stream may stay silent before the client takes it for lost and resumes on another node (45 s). A
    /// node sends a heartbeat every 15 s on an idle stream (<c>Kv:Watch:HeartbeatInterval</c>): keep this above it.
    /// </summary>
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Keys per page that <see cref="IKvClient.ListAsync"/> asks for (1 to 1000; 100).</summary>
    public int ListPageSize { get; set; } = 100;

    /// <summary>
    /// Options from a connection string: <c>Endpoints=http://host:port,http://host:port;Token=...</c> (names in any case), or
    /// a bare comma-separated list of URLs. Aspire hands a service such a string as <c>ConnectionStrings:{name}</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The string is null, empty or white space.</exception>
    /// <exception cref="FormatException">A part is not <c>Name=value</c>, a name is unknown, a URL is not an absolute http(s) URL, or no endpoint is given.</exception>
    public static KvClientOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The connection string is empty: give Endpoints=http://host:port,... or a comma-separated list of node URLs.",
                nameof(connectionString));
        }
        var options = new KvClientOptions();
        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            options.Endpoints = ParseEndpoints(connectionString);
            return options;
        }

        foreach (string rawPart in connectionString.Split(';'))
        {
            string part = rawPart.Trim();
            if (part.Length == 0) continue;
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"'{part}' in the connection string is not Name=value; the names are Endpoints and Token.");
            }
            string name = part[..equals].Trim();
            string value = part[(equals + 1)..].Trim();
            if (name.Equals("Endpoints", StringComparison.OrdinalIgnoreCase)) options.Endpoints = ParseEndpoints(value);
            else if (name.Equals("Token", StringComparison.OrdinalIgnoreCase)) options.Token = value.Length == 0 ? null : value;
            else throw new FormatException($"Unknown name '{name}' in the connection string; the names are Endpoints and Token.");
        }
        if (options.Endpoints.Count == 0)
        {
            throw new FormatException("The connection string names no endpoint: give Endpoints=http://host:port,http://host:port.");
        }
        return options;
    }

    private static List<Uri> ParseEndpoints(string list)
    {
        var endpoints = new List<Uri>();
        foreach (string raw in list.Split(','))
        {
            string text = raw.Trim();
            if (text.Length == 0) continue;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"'{text}' is not a node URL: give an absolute http or https URL such as http://127.0.0.1:5101.");
            }
            endpoints.Add(uri);
        }
        if (endpoints.Count == 0) throw new FormatException("The endpoint list is empty: give node URLs such as http://127.0.0.1:5101,http://127.0.0.1:5102.");
        return endpoints;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for options a client cannot work with.</summary>
    internal void Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0) throw new ArgumentException("KvClientOptions.Endpoints is empty: give at least one node URL.");
        foreach (var endpoint in Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{endpoint}' in KvClientOptions.Endpoints is not an absolute http or https URL.");
            }
        }
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("KvClientOptions.RequestTimeout must be positive.");
        if (MaxAttempts < 1) throw new ArgumentException("KvClientOptions.MaxAttempts must be at least 1.");
        if (RetryBudget <= TimeSpan.Zero) throw new ArgumentException("KvClientOptions.RetryBudget must be positive.");
        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero) throw new ArgumentException("KvClientOptions' retry delays cannot be negative.");
        if (WatchIdleTimeout <= TimeSpan.Zero) throw new ArgumentException("KvClientOptions.WatchIdleTimeout must be positive.");
        if (ListPageSize is < 1 or > 1000) throw new ArgumentException("KvClientOptions.ListPageSize must be from 1 to 1000.");
    }
}
