using Microsoft.AspNetCore.Authorization;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>The request's client token has at least <see cref="Minimum"/> (roles include the ones below them).</summary>
public sealed class KvRoleRequirement(KvRole minimum) : AuthorizationHandler<KvRoleRequirement>, IAuthorizationRequirement
{
    public KvRole Minimum { get; } = minimum;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KvRoleRequirement requirement)
    {
        if (KvRoles.TryParse(context.User.FindFirst(KvRoles.RoleClaim)?.Value, out var role) && role >= requirement.Minimum)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
