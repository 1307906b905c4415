using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace KvCluster.Node.Security;

/// <summary>The node's policies on keys: a role and, for a token with a prefix, the key (or list) within it.</summary>
public static class KeyPolicies
{
    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(KvPolicies.ReadKey, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new KvRoleRequirement(KvRole.Read), new KeyInTokenPrefixRequirement()));
        options.AddPolicy(KvPolicies.WriteKey, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new KvRoleRequirement(KvRole.Write), new KeyInTokenPrefixRequirement()));
        options.AddPolicy(KvPolicies.ListKeys, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new KvRoleRequirement(KvRole.Read), new ListInTokenPrefixRequirement()));
        WatchInTokenPrefixRequirement.Add(options);
    }
}
