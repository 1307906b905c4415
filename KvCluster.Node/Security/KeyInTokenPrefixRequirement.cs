using KvCluster.Node.Api;
using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace KvCluster.Node.Security;

/// <summary>
/// The route's key is within the token's prefix (a token without one may touch every key). The key is read as the
/// endpoint reads it (<see cref="KeyPath"/>, from the raw target), not from the route value: routing has already
/// decoded and normalised the path ("a/../b"), so the two could name different keys.
/// </summary>
internal sealed class KeyInTokenPrefixRequirement : AuthorizationHandler<KeyInTokenPrefixRequirement>, IAuthorizationRequirement
{
    private const string KeyParameter = "{**key}";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyInTokenPrefixRequirement requirement)
    {
        string? prefix = context.User.FindFirst(KvRoles.PrefixClaim)?.Value;
        if (string.IsNullOrEmpty(prefix))
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http && http.GetEndpoint() is RouteEndpoint route
                 && route.RoutePattern.RawText is { } pattern && pattern.IndexOf(KeyParameter, StringComparison.Ordinal) is var at and > 0
                 && KeyPath.TryGetKey(http, pattern[..at], out string key, out _)
                 && key.StartsWith(prefix, StringComparison.Ordinal))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
