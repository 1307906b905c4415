namespace KvCluster.ServiceDefaults.Security;

/// <summary>What a client token may do; each role includes the ones before it.</summary>
public enum KvRole
{
    /// <summary>GET requests: keys, lists, the cluster and node views.</summary>
    Read = 1,

    /// <summary>Read, and writing and deleting keys.</summary>
    Write = 2,

    /// <summary>Everything: membership and view changes, snapshot now, the runtime endpoint.</summary>
    Admin = 3,
}

public static class KvRoles
{
    /// <summary>The claim a token's role travels in on the request's user.</summary>
    public const string RoleClaim = "kv:role";

    /// <summary>The claim a token's key prefix travels in; absent when the token may touch every key.</summary>
    public const string PrefixClaim = "kv:prefix";

    /// <summary>Parses <c>read</c>, <c>write</c> or <c>admin</c> (any case), as configured in Kv:Auth:Tokens:{name}:Role.</summary>
    public static bool TryParse(string? text, out KvRole role)
    {
        role = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "read": role = KvRole.Read; return true;
            case "write": role = KvRole.Write; return true;
            case "admin": role = KvRole.Admin; return true;
            default: return false;
        }
    }

    public static string Name(KvRole role) => role switch
    {
        KvRole.Read => "read",
        KvRole.Write => "write",
        KvRole.Admin => "admin",
        _ => "none",
    };
}
