namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// redis-server from PATH, run by DCP as an executable: the private Redis where no container runtime is healthy.
/// Clients get the same <c>ConnectionStrings__redis</c> shape as from a container or a managed Redis, password included.
/// </summary>
public sealed class RedisServerResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The password redis-server requires (<c>requirepass</c>), as <c>AddRedis</c> gives its container one.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>127.0.0.1 rather than the endpoint's "localhost": the server binds IPv4 loopback only.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.TargetPort)},password={PasswordParameter}");
}
