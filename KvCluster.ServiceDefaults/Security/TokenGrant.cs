using System.Security.Claims;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>What one client token grants: its name (for logs and the rate limit), its role, the keys it may touch.</summary>
public sealed record TokenGrant(string Name, KvRole Role, string Prefix)
{
    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim>(3) { new(ClaimTypes.Name, Name), new(KvRoles.RoleClaim, KvRoles.Name(Role)) };
        if (Prefix.Length > 0) claims.Add(new Claim(KvRoles.PrefixClaim, Prefix));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
