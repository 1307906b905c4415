using KvCluster.Log.Membership;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// kevinDB's replica view, computed (never stored) from the live members and the client's overrides in Redis,
/// so every node answers the same:
/// <code>
///   view = (addresses of members with a fresh heartbeat ∪ added) − hidden, sorted by host, then port
///   PUT A:    A in view → "already exists" (404); else unhide A, and if A is no member's address, add it → 201
///   DELETE A: A not in view → "does not exist" (404); else un-add A, and if A is a member's address, hide it → 200
/// </code>
/// A replica that dies leaves the view by itself (its heartbeat goes stale); one that starts again unhides its own
/// address (<see cref="ViewRejoin"/>), as a restarted replica of the assignment announces itself to the others.
/// A PUT of a member that is down answers 201 and shows it once its heartbeat is fresh again. Edits of the same
/// address racing on two nodes may both succeed; the sets make the outcome the same either way.
/// </summary>
internal sealed record ReplicaViewRule(IReadOnlyList<ClusterMember> Members, ViewOverrideSets Overrides)
{
    public IReadOnlyList<string> View()
    {
        var view = new HashSet<string>(Overrides.Added, StringComparer.Ordinal);
        foreach (var member in Members)
        {
            if (member.Health != "down" && SocketAddress.FromUrl(member.Url) is { } address) view.Add(address);
        }
        view.ExceptWith(Overrides.Hidden);
        var sorted = view.ToList();
        sorted.Sort(SocketAddress.Compare);
        return sorted;
    }

    public bool Contains(string address) => View().Contains(address, StringComparer.Ordinal);

    /// <summary>True when a member (live or down) heartbeats from <paramref name="address"/>.</summary>
    public bool IsMemberAddress(string address) =>
        Members.Any(member => string.Equals(SocketAddress.FromUrl(member.Url), address, StringComparison.Ordinal));
}
