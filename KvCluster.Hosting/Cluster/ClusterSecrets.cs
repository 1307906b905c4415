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
/// <param name="ClientToken">The token services get through <c>WithReference(kv)</c>, whenever there is an admin token.</param>
/// <param name="RedisPassword">The private Redis's password; null for a Redis the caller gave.</param>
public sealed record ClusterSecrets(
    IResourceBuilder<ParameterResource> InternalKey,
    IResourceBuilder<ParameterResource>? AdminToken,
    IResourceBuilder<ParameterResource>? ClientToken,
    IResourceBuilder<ParameterResource>? RedisPassword)
{
    /// <summary>The key services show each other on internal routes (<c>X-Kv-Internal-Key</c>), handed out as <c>Kv__InternalKey</c>.</summary>
    public const string InternalKeyParameter = "kv-internal-key";
    /// <summary>The admin token's parameter, with --auth and in a deployment.</summary>
    public const string AdminTokenParameter = "kv-admin-token";
    /// <summary>The client token's parameter, beside the admin token: what <c>;Token=</c> in the cluster's connection string carries.</summary>
    public const string ClientTokenParameter = "kv-client-token";
    /// <summary>The private Redis's password, the name <c>AddRedis</c> gives its own.</summary>
    public const string RedisPasswordParameter = ClusterRedis.ResourceName + "-password";
    /// <summary>The admin token's name among the services' tokens (<c>Kv__Auth__Tokens__admin__Secret</c>).</summary>
    public const string AdminTokenName = "admin";
    /// <summary>The client token's name among the services' tokens (<c>Kv__Auth__Tokens__client__Secret</c>).</summary>
    public const string ClientTokenName = "client";
    /// <summary>
    /// The client token's role: a service that references the cluster reads and writes keys, but the admin routes (snapshot
    /// now, view changes, the runtime endpoint) stay with the admin token.
    /// </summary>
    public const string ClientTokenRole = "write";

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
    /// The internal key always; the admin and client tokens with --auth and in a deployment; Redis's password when the
    /// cluster starts its own (<paramref name="privateRedis"/>).
    /// </summary>
    public static ClusterSecrets AddClusterSecrets(this IDistributedApplicationBuilder builder, ClusterSettings settings, bool privateRedis) => new(
        builder.AddParameter(ClusterSecrets.InternalKeyParameter, ClusterSecrets.Generated, secret: true)
            .WithDescription("The key the cluster's services show each other on internal routes (X-Kv-Internal-Key)."),
        settings.AdminTokenIn(builder.ExecutionContext) ? builder.AddAdminToken() : null,
        settings.AdminTokenIn(builder.ExecutionContext) ? builder.AddClientToken() : null,
        privateRedis
            ? builder.AddParameter(ClusterSecrets.RedisPasswordParameter, ClusterSecrets.Generated, secret: true).WithDescription("The private Redis's password.")
            : null);

    /// <summary>The generated admin token's parameter (<see cref="ClusterSecrets.AdminTokenParameter"/>).</summary>
    public static IResourceBuilder<ParameterResource> AddAdminToken(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(ClusterSecrets.AdminTokenParameter, ClusterSecrets.Generated, secret: true)
            .WithDescription("The token with role admin (snapshot now, view changes, the runtime endpoint): `Authorization: Bearer <token>`.", enableMarkdown: true);

    /// <summary>The generated client token's parameter (<see cref="ClusterSecrets.ClientTokenParameter"/>).</summary>
    public static IResourceBuilder<ParameterResource> AddClientToken(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(ClusterSecrets.ClientTokenParameter, ClusterSecrets.Generated, secret: true)
            .WithDescription("The token with role write that `WithReference(kv)` hands services as `;Token=` in `ConnectionStrings__kv`.",
                enableMarkdown: true);
}
