using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Authentication and authorization of every KvCluster service: the internal key on the routes services call each
/// other with (always), and client tokens with roles, key prefixes and a rate limit when Kv:Auth:Enabled is on.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Registers it all, or throws <see cref="InsecureConfigurationException"/> when the settings would leave the
    /// service open. <paramref name="addPolicies"/> adds the service's own policies (the node's key policies).
    /// </summary>
    public static TBuilder AddKvSecurity<TBuilder>(this TBuilder builder, Action<AuthorizationOptions>? addPolicies = null)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        string internalKey = InternalKey.Read(configuration) ?? throw new InsecureConfigurationException(
            $"{InternalKey.ConfigurationKey} is not set (env Kv__InternalKey): without it nothing could call this service's internal routes. The AppHost sets it.");
        var auth = configuration.GetSection(KvAuthOptions.Section).Get<KvAuthOptions>() ?? new KvAuthOptions();
        if (!auth.Enabled && ListenAddresses.FirstNonLoopback(configuration) is { } exposed)
        {
            throw new InsecureConfigurationException(
                $"This service would listen on {exposed} with client tokens off: set {KvAuthOptions.Section}:Enabled=true (env Kv__Auth__Enabled) and configure tokens, or listen on loopback only.");
        }

        var services = builder.Services;
        services.Configure<KvAuthOptions>(configuration.GetSection(KvAuthOptions.Section));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, KvAuthorizationResultHandler>();
        var internalRequirement = new InternalKeyRequirement(new InternalKey(internalKey));
        services.AddAuthorization(options =>
            options.AddPolicy(KvPolicies.Internal, policy => policy.AddRequirements(internalRequirement)));
        if (!auth.Enabled) return builder;

        AddTokenFile(services, auth);
        services.AddSingleton<ClientTokens>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, configureOptions: null);
        services.AddAuthorization(options =>
        {
            options.AddPolicy(KvPolicies.Read, policy => policy.RequireAuthenticatedUser().AddRequirements(new KvRoleRequirement(KvRole.Read)));
            options.AddPolicy(KvPolicies.Write, policy => policy.RequireAuthenticatedUser().AddRequirements(new KvRoleRequirement(KvRole.Write)));
            options.AddPolicy(KvPolicies.Admin, policy => policy.RequireAuthenticatedUser().AddRequirements(new KvRoleRequirement(KvRole.Admin)));
            addPolicies?.Invoke(options);
            // Fail closed: a route nobody classified (RequireAccess, AllowAnonymous, the internal policy) is refused
            // to every token. A request that matched no route still gets its 404, or routing's 405 (an endpoint
            // that is not a route), once authenticated.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(context => context.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
                .Build();
        });
        services.AddRateLimiter(limiter => PerTokenRateLimit.Configure(limiter, auth.RateLimit));
        return builder;
    }

    /// <summary>The middleware, in order: who the client is, whether it may, whether it is over its rate.</summary>
    public static WebApplication UseKvSecurity(this WebApplication app)
    {
        bool enabled = app.Services.GetRequiredService<IOptions<KvAuthOptions>>().Value.Enabled;
        if (enabled) app.UseAuthentication();
        app.UseAuthorization();
        if (enabled) app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Classifies a client route: with client tokens on, it requires <paramref name="policy"/> (a <see cref="KvPolicies"/>
    /// name). With them off nothing is added, so the authorization middleware passes the route through untouched:
    /// the client routes cost nothing extra then.
    /// </summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(new KvAccessMetadata(policy));
            if (endpoint.ApplicationServices.GetService<IOptions<KvAuthOptions>>()?.Value.Enabled == true)
            {
                endpoint.Metadata.Add(new AuthorizeAttribute(policy));
            }
        });
        return builder;
    }

    /// <summary>Kv:Auth:TokenFile: the same Tokens shape in a JSON file, a configuration source reloaded when it changes.</summary>
    private static void AddTokenFile(IServiceCollection services, KvAuthOptions auth)
    {
        var problems = new List<string>();
        if (auth.TokenFile is { Length: > 0 } path)
        {
            if (!Path.IsPathFullyQualified(path) || !File.Exists(path))
            {
                throw new InsecureConfigurationException(
                    $"{KvAuthOptions.Section}:TokenFile '{path}' is not an absolute path to an existing file.");
            }
            var file = new ConfigurationBuilder().AddJsonFile(source =>
            {
                source.Path = path;
                source.Optional = false;
                source.ReloadOnChange = true;
                source.ResolveFileProvider();
                // A file caught half-written is read as no tokens (refusing, not crashing) until it is whole again.
                source.OnLoadException = failure => failure.Ignore = true;
            }).Build();
            var tokens = file.GetSection("Tokens");
            services.Configure<KvAuthOptions>(options => tokens.Bind(options.Tokens));
            services.AddSingleton<IOptionsChangeTokenSource<KvAuthOptions>>(new ConfigurationChangeTokenSource<KvAuthOptions>(file));
            tokens.Bind(auth.Tokens);
        }
        ClientTokens.Parse(auth, problems);
        if (problems.Count > 0) throw new InsecureConfigurationException(problems[0]);
    }
}
