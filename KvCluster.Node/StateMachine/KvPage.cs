namespace KvCluster.Node.StateMachine;

/// <summary>
/// One page of keys in ordinal order. <paramref name="NextAfter"/> is the last key of this page when
/// more keys with the prefix remain (pass it as <c>after</c> for the next page), otherwise null.
/// </summary>
public sealed record KvPage(IReadOnlyList<KvListItem> Items, string? NextAfter);
