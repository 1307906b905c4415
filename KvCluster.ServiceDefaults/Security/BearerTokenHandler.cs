using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> checked against <see cref="ClientTokens"/>: one hash and one pass over
/// the (few) tokens per request. Answers 401 with <c>WWW-Authenticate: Bearer</c> and 403 as problem details; the
/// token itself is never in an answer or a log line.
/// </summary>
public sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ClientTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string Prefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is not a bearer token."));
        }
        if (tokens.Find(header.AsSpan(Prefix.Length).Trim()) is not { } grant)
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is not valid."));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(grant.ToPrincipal(SchemeName), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        bool presented = !string.IsNullOrEmpty(Request.Headers.Authorization);
        // RFC 6750 §3: the scheme, and why when a token was sent and refused.
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
            detail: presented
                ? "The bearer token is not valid."
                : "Send a client token: Authorization: Bearer <token>.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        string role = Context.User.FindFirst(KvRoles.RoleClaim)?.Value ?? "none";
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
            detail: $"This token (role {role}) may not make this request: its role or its key prefix does not cover it.").ExecuteAsync(Context);
    }
}
