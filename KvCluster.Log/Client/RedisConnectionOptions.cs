using System.Net.Security;

namespace KvCluster.Log.Client;

/// <summary>
/// How to reach Redis. Built by hand or parsed from a StackExchange.Redis-style connection string
/// (what Aspire and Azure hand out) with <see cref="Parse"/>.
/// </summary>
public sealed record RedisConnectionOptions
{
    /// <summary>Servers in the order given; this client connects to the first.</summary>
    public IReadOnlyList<RedisEndpoint> EndPoints { get; init; } = [];

    /// <summary>The ACL user name (Redis 6+); null authenticates as the default user.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    public bool Ssl { get; init; }

    /// <summary>The name the server certificate must carry; defaults to the endpoint's host.</summary>
    public string? SslHost { get; init; }

    /// <summary>
    /// Replaces the default certificate check (which accepts only a valid, trusted certificate for <see cref="SslHost"/>),
    /// e.g. for a test server with a self-signed certificate.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public int DefaultDatabase { get; init; }

    /// <summary>CLIENT SETNAME value, shown by CLIENT LIST.</summary>
    public string? ClientName { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command on the shared connection may wait for its reply.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True: connecting fails when Redis cannot be reached at first. False: the client is returned at once
    /// and keeps trying in the background (commands fail fast until it is connected).
    /// </summary>
    public bool AbortConnect { get; init; } = true;

    /// <summary>First delay before trying to reconnect; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The server this client talks to.</summary>
    public RedisEndpoint EndPoint => EndPoints.Count > 0
        ? EndPoints[0]
        : throw new InvalidOperationException("No Redis endpoint is configured.");

    /// <summary>
    /// Parses "host:port[,host2:port2],password=...,user=...,ssl=true,sslHost=...,defaultDatabase=N,
    /// connectTimeout=ms,syncTimeout=ms,abortConnect=false,name=...". Keys are case-insensitive;
    /// unknown keys are ignored. Throws <see cref="ArgumentException"/> for an empty string and
    /// <see cref="FormatException"/> for a value or endpoint that cannot be read.
    /// </summary>
    public static RedisConnectionOptions Parse(string connectionString) => RedisConnectionStringParser.Parse(connectionString);

    /// <summary>The connection string form, with the password masked (safe to log).</summary>
    public override string ToString()
    {
        var parts = EndPoints.Select(e => e.ToString()).ToList();
        if (User is not null) parts.Add($"user={User}");
        if (Password is not null) parts.Add("password=*****");
        if (Ssl) parts.Add("ssl=true");
        if (SslHost is not null) parts.Add($"sslHost={SslHost}");
        if (DefaultDatabase != 0) parts.Add($"defaultDatabase={DefaultDatabase}");
        if (ClientName is not null) parts.Add($"name={ClientName}");
        return string.Join(',', parts);
    }
}
