using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// Answers a refused internal route itself (401, problem details), since no authentication scheme stands behind
/// <see cref="InternalKeyRequirement"/>; every other result goes to ASP.NET Core's own handler (the bearer scheme's
/// 401 and 403).
/// </summary>
public sealed class KvAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && policy.Requirements.Any(r => r is InternalKeyRequirement))
        {
            context.Response.Headers.WWWAuthenticate = InternalKey.HeaderName;
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Internal route",
                detail: $"Only the cluster's own services may call this route; they show the internal key in {InternalKey.HeaderName}.")
                .ExecuteAsync(context);
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
