using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// The cluster's generated secrets, as Aspire secret parameters: the dashboard lists them among the parameters, a
/// manifest asks azd to generate them, and <c>Parameters:{name}</c> in the configuration pins one
/// (<c>Parameters__kv-admin-token=…</c>). Locally each AppHost run generates new ones: nothing keeps them but the
/// running services, Redis's config file and endpoints.json in the state directory.
/// </summary>
/// <param name="InternalKey">The key the services show each other on internal routes.</param>
/// <param name="AdminToken">The admin token, with --auth and in a deployment.</param>
/// <param name="RedisPassword">The private Redis's password; null for a Redis the caller gave.</param>
public sealed record ClusterSecrets(
    IResourceBuilder<ParameterResource> InternalKey,
    IResourceBuilder<ParameterResource>? AdminToken,
    IResourceBuilder<ParameterResource>? RedisPassword)
{
    /// <summary>The key services show each other on internal routes (<c>X-Kv-Internal-Key</c>), handed out as <c>Kv__InternalKey</c>.</summary>
    public const string InternalKeyParameter = "kv-internal-key";
    /// <summary>The admin token's parameter, with --auth and in a deployment.</summary>
    public const string AdminTokenParameter = "kv-admin-token";
    /// <summary>The private Redis's password, the name <c>AddRedis</c> gives its own.</summary>
    public const string RedisPasswordParameter = ClusterRedis.ResourceName + "-password";
    /// <summary>The admin token's name among the services' tokens (<c>Kv__Auth__Tokens__admin__Secret</c>).</summary>
    public const string AdminTokenName = "admin";

    /// <summary>
    /// Letters and digits only, so that a secret goes into a header, a Redis connection string (which cannot hold a comma)
    /// or a config file unquoted; 32 of 56 characters are some 185 bits.
    /// </summary>
    internal static GenerateParameterDefault Generated => new() { MinLength = 32, Special = false };
}

/// <summary>Adds the cluster's secret parameters.</summary>
public static class ClusterSecretsExtensions
{
    /// <summary>
    /// The internal key always; the admin token with --auth and in a deployment; Redis's password when the cluster
    /// starts its own (<paramref name="privateRedis"/>).
    /// </summary>
    public static ClusterSecrets AddClusterSecrets(this IDistributedApplicationBuilder builder, ClusterSettings settings, bool privateRedis) => new(
        builder.AddParameter(ClusterSecrets.InternalKeyParameter, ClusterSecrets.Generated, secret: true)
            .WithDescription("The key the cluster's services show each other on internal routes (X-Kv-Internal-Key)."),
        settings.AdminTokenIn(builder.ExecutionContext) ? builder.AddAdminToken() : null,
        privateRedis
            ? builder.AddParameter(ClusterSecrets.RedisPasswordParameter, ClusterSecrets.Generated, secret: true).WithDescription("The private Redis's password.")
            : null);

    /// <summary>The generated admin token's parameter (<see cref="ClusterSecrets.AdminTokenParameter"/>).</summary>
    public static IResourceBuilder<ParameterResource> AddAdminToken(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(ClusterSecrets.AdminTokenParameter, ClusterSecrets.Generated, secret: true)
            .WithDescription("The client token with role admin: `Authorization: Bearer <token>`.", enableMarkdown: true);
}
