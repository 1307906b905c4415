using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvCluster.Hosting;

/// <summary>
/// What the AppHost starts, bound from the configuration section <c>Kv</c>: the command line's flags
/// (the AppHost's ClusterArguments), <c>--Kv:Nodes 5</c> or <c>Kv__Nodes=5</c> (docs/architecture.md §5).
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "Kv";
    /// <summary>The values <see cref="Fsync"/> takes.</summary>
    public static readonly IReadOnlyList<string> FsyncPolicies = ["always", "everysec"];

    /// <summary>Node replicas started with the cluster: node1..nodeN, node-i listening on PortBase+i.</summary>
    public int Nodes { get; set; } = 3;
    /// <summary>Further nodes that start only when started from the dashboard: how a node joins a running cluster.</summary>
    public int SpareNodes { get; set; }
    /// <summary>The coordinator's port; node-i listens on PortBase+i.</summary>
    public int PortBase { get; set; } = 5100;
    /// <summary>The private Redis's port (loopback only).</summary>
    public int RedisPort { get; set; } = 6390;
    /// <summary>Redis's AOF, the nodes' data and endpoints.json; relative to the current directory.</summary>
    public string StateDir { get; set; } = ".kvcluster";
    /// <summary>A Redis to use (StackExchange format); none starts a private one.</summary>
    public string? Redis { get; set; }
    /// <summary>How the private Redis runs: a container, redis-server from PATH, or auto (decided when the cluster is added).</summary>
    public RedisMode RedisMode { get; set; } = RedisMode.Auto;
    /// <summary>appendfsync of the private Redis: "always" loses no acknowledged write, "everysec" up to about a second.</summary>
    public string Fsync { get; set; } = "everysec";
    /// <summary>
    /// Prefix of every Redis key the services use, handed to them as <c>Kv__KeyPrefix</c>; null leaves them their
    /// default, the hash tag <c>{kv}:</c>. <c>kv:</c> is what clusters used before the default became a hash tag.
    /// </summary>
    public string? KeyPrefix { get; set; }
    /// <summary>A PEM CA certificate the services trust for Redis's TLS (a self-signed or private CA); relative to the current directory.</summary>
    public string? RedisCaFile { get; set; }
    /// <summary>
    /// Client tokens required, with a generated admin token (the parameter <see cref="ClusterSecrets.AdminTokenParameter"/>)
    /// that endpoints.json holds as <c>token</c>, and a generated client token with role write
    /// (<see cref="ClusterSecrets.ClientTokenParameter"/>) that the cluster's connection string carries. A deployment always has it on.
    /// </summary>
    public bool Auth { get; set; }
    /// <summary>A JSON file of client tokens (<see cref="Hosting.TokenFile"/>) the services load; turns token mode on. Relative to the current directory.</summary>
    public string? TokenFile { get; set; }
    /// <summary>
    /// For <c>AddKvCluster(name)</c>: the directory holding the coordinator's and the node's builds (<c>coordinator/</c>,
    /// <c>node/</c>); null takes those the KvCluster.Hosting package carries. Relative to the current directory.
    /// </summary>
    public string? ServicesDirectory { get; set; }
    /// <summary>Wipe the state directory before starting.</summary>
    public bool Fresh { get; set; }
    /// <summary>Run without the Aspire dashboard; OTEL_EXPORTER_OTLP_ENDPOINT from the environment then reaches every service.</summary>
    public bool NoDashboard { get; set; }

    // Set once the state directory was wiped for --fresh (LocalStart): a second Prepare must not wipe what is written since.
    internal bool Wiped { get; set; }

    /// <summary>Every node the model holds, spare ones included.</summary>
    public int TotalNodes => Nodes + SpareNodes;

    /// <summary>The absolute path of <see cref="StateDir"/>.</summary>
    public string StateDirectory => Path.GetFullPath(StateDir, Environment.CurrentDirectory);

    /// <summary>The absolute path of <see cref="RedisCaFile"/>: services run in directories of their own.</summary>
    public string? RedisCaFilePath => string.IsNullOrWhiteSpace(RedisCaFile) ? null : Path.GetFullPath(RedisCaFile, Environment.CurrentDirectory);

    /// <summary>The absolute path of <see cref="TokenFile"/>: services run in directories of their own.</summary>
    public string? TokenFilePath => string.IsNullOrWhiteSpace(TokenFile) ? null : Path.GetFullPath(TokenFile, Environment.CurrentDirectory);

    /// <summary>Whether the services require client tokens: with --auth or --token-file, and always in a deployment.</summary>
    public bool TokenModeIn(DistributedApplicationExecutionContext context) => context.IsPublishMode || Auth || TokenFile is not null;

    /// <summary>Whether the cluster has a generated admin token (and client token): with --auth, and always in a deployment.</summary>
    public bool AdminTokenIn(DistributedApplicationExecutionContext context) => context.IsPublishMode || Auth;

    /// <summary>The port of node-<paramref name="index"/>.</summary>
    public int NodePort(int index) => PortBase + index;

    /// <summary>The settings bound from the <see cref="SectionName"/> section of <paramref name="configuration"/>.</summary>
    public static ClusterSettings From(IConfiguration configuration)
    {
        var settings = new ClusterSettings();
        configuration.GetSection(SectionName).Bind(settings);
        return settings;
    }

    /// <summary>The first problem with these settings, said as the flag a user would fix, or null.</summary>
    public string? Validate()
    {
        if (Nodes < 1) return $"--nodes must be at least 1 (got {Nodes}).";
        if (SpareNodes < 0) return $"--spare-nodes must not be negative (got {SpareNodes}).";
        if (PortBase < 1 || PortBase + TotalNodes > 65535)
            return $"--port-base {PortBase} leaves no room for the coordinator and {TotalNodes} nodes below port 65536.";
        if (Redis is null && RedisPort is < 1 or > 65535) return $"--redis-port must be between 1 and 65535 (got {RedisPort}).";
        if (Redis is null && RedisPort >= PortBase && RedisPort <= PortBase + TotalNodes)
            return $"--redis-port {RedisPort} collides with the coordinator and node ports {PortBase}..{PortBase + TotalNodes}.";
        if (!FsyncPolicies.Contains(Fsync)) return $"--fsync must be one of {string.Join(", ", FsyncPolicies)} (got '{Fsync}').";
        if (string.IsNullOrWhiteSpace(StateDir)) return "--state-dir must not be empty.";
        if (Redis is not null && string.IsNullOrWhiteSpace(Redis)) return "--redis must not be empty.";
        if (KeyPrefix is not null && (KeyPrefix.Length == 0 || KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            return $"--key-prefix must be non-empty, without spaces or control characters (got '{KeyPrefix}').";
        if (RedisCaFile is not null && ValidateRedisCaFile() is { } caFileError) return caFileError;
        if (TokenFile is not null)
        {
            return TokenFilePath is { } tokenFile
                ? Hosting.TokenFile.Validate(tokenFile, generatedNames: Auth ? [ClusterSecrets.AdminTokenName, ClusterSecrets.ClientTokenName] : null)
                : "--token-file must not be empty.";
        }
        return null;
    }

    // The services load the file only when they first connect; a wrong path or file is better said before anything starts.
    private string? ValidateRedisCaFile()
    {
        if (RedisCaFilePath is not { } path) return "--redis-ca-file must not be empty.";
        if (!File.Exists(path)) return $"--redis-ca-file: there is no file {path}.";
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            return null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"--redis-ca-file: {path} is not a readable PEM certificate ({e.Message}).";
        }
    }
}
