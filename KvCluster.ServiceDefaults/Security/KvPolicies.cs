namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// The authorization policies every route is classified with, one per Map call
/// (<see cref="SecurityExtensions.RequireAccess{TBuilder}"/>, or RequireAuthorization for <see cref="Internal"/>).
/// With client tokens on, a route classified with none of them is refused (the fallback policy).
/// </summary>
public static class KvPolicies
{
    /// <summary>Only the cluster's own services, which show Kv:InternalKey; always enforced.</summary>
    public const string Internal = "kv-internal";

    /// <summary>Any client token (read and up): views that are not keys.</summary>
    public const string Read = "kv-read";

    /// <summary>Write or admin tokens, for changes that are not keys.</summary>
    public const string Write = "kv-write";

    /// <summary>Admin tokens: membership and view changes, snapshot now, runtime.</summary>
    public const string Admin = "kv-admin";

    /// <summary>Read and up, and the route's key within the token's prefix.</summary>
    public const string ReadKey = "kv-read-key";

    /// <summary>Write and up, and the route's key within the token's prefix.</summary>
    public const string WriteKey = "kv-write-key";

    /// <summary>Read and up, and the list's <c>prefix</c> query within the token's prefix.</summary>
    public const string ListKeys = "kv-list-keys";
}
