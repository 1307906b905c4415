using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace KvCluster.Node.Security;

/// <summary>
/// A watch's <c>prefix</c> or <c>key</c> query is within the token's prefix, so a stream shows only keys the token may
/// touch; a token with a prefix may not watch every key. Read as the endpoint reads them (Request.Query, decoded).
/// </summary>
internal sealed class WatchInTokenPrefixRequirement : AuthorizationHandler<WatchInTokenPrefixRequirement>, IAuthorizationRequirement
{
    /// <summary>Read and up, and the watch's prefix or key within the token's prefix.</summary>
    public const string Policy = "kv-watch";

    public static void Add(AuthorizationOptions options) => options.AddPolicy(Policy, policy => policy.RequireAuthenticatedUser()
        .AddRequirements(new KvRoleRequirement(KvRole.Read), new WatchInTokenPrefixRequirement()));

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WatchInTokenPrefixRequirement requirement)
    {
        string? prefix = context.User.FindFirst(KvRoles.PrefixClaim)?.Value;
        if (string.IsNullOrEmpty(prefix))
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http)
        {
            var query = http.Request.Query;
            // Every value given must be inside (two of them is a bad request the endpoint answers, once allowed to).
            var watched = query["prefix"].Concat(query["key"]).ToList();
            if (watched.Count > 0 && watched.All(value => value is not null && value.StartsWith(prefix, StringComparison.Ordinal)))
            {
                context.Succeed(requirement);
            }
        }
        return Task.CompletedTask;
    }
}
