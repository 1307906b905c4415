using KvCluster.Node.StateMachine;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Leases;

/// <summary>
/// A token with a key prefix may describe, keep alive or revoke a lease only while every key the lease holds is
/// within that prefix: revoking deletes those keys, keeping alive keeps them, describing names them. Checked against
/// this node's state when the request arrives; a key another token attaches meanwhile is not seen.
/// </summary>
internal static class LeasePrefixCheck
{
    /// <summary>Null when allowed; else the 403 naming a key outside the token's prefix.</summary>
    public static IResult? Refusal(HttpContext context, KvStateMachine machine, string id) =>
        KeyOutsidePrefix(context, machine, id) is not ({ } prefix, { } outside) ? null
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"Lease '{id}' holds key '{outside}', outside this token's prefix '{prefix}'; only a token that may write every key it holds may act on it.");

    /// <summary>Whether the caller may see the lease in a list: every key it holds within the token's prefix.</summary>
    public static bool Visible(HttpContext context, KvStateMachine machine, string id) => KeyOutsidePrefix(context, machine, id) is null;

    private static (string Prefix, string Key)? KeyOutsidePrefix(HttpContext context, KvStateMachine machine, string id)
    {
        string? prefix = context.User.FindFirst(KvRoles.PrefixClaim)?.Value;
        if (string.IsNullOrEmpty(prefix) || machine.GetLease(id) is not { } lease) return null;
        return lease.Keys.FirstOrDefault(key => !key.StartsWith(prefix, StringComparison.Ordinal)) is { } outside ? (prefix, outside) : null;
    }
}
