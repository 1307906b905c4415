using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// redis-server from PATH, run by DCP as an executable: the private Redis where no container runtime is healthy.
/// Clients get the same <c>ConnectionStrings__redis</c> shape as from a container or a managed Redis, password included.
/// </summary>
public sealed class RedisServerResource(string name, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, "redis-server", dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The endpoint redis-server listens on (127.0.0.1 only, not proxied).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The password redis-server requires (<c>requirepass</c>), as <c>AddRedis</c> gives its container one.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where redis-server keeps its AOF and its config file (also its working directory).</summary>
    public string DataDirectory { get; internal set; } = dataDirectory;

    /// <summary>127.0.0.1 rather than the endpoint's "localhost": the server binds IPv4 loopback only.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.TargetPort)},password={PasswordParameter}");
}
