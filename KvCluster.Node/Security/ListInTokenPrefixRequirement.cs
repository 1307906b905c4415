using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace KvCluster.Node.Security;

/// <summary>A list's <c>prefix</c> query is within the token's prefix, so a list shows only keys the token may touch.</summary>
internal sealed class ListInTokenPrefixRequirement : AuthorizationHandler<ListInTokenPrefixRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ListInTokenPrefixRequirement requirement)
    {
        string? prefix = context.User.FindFirst(KvRoles.PrefixClaim)?.Value;
        if (string.IsNullOrEmpty(prefix)
            || (context.Resource is HttpContext http
                && (http.Request.Query["prefix"].FirstOrDefault() ?? "").StartsWith(prefix, StringComparison.Ordinal)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
