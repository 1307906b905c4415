using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// The request shows the cluster's internal key. It is a requirement of its own rather than an authentication
/// scheme so that with client tokens off no authentication runs at all (no per-request cost on the client routes);
/// a refusal is answered by <see cref="KvAuthorizationResultHandler"/>.
/// </summary>
public sealed class InternalKeyRequirement(InternalKey key) : AuthorizationHandler<InternalKeyRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, InternalKeyRequirement requirement)
    {
        if (context.Resource is HttpContext http && key.IsShownBy(http.Request)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
