using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Watch;

/// <summary>Which keys a watch stream sends: one key, the keys under a prefix, or every key ("" prefix).</summary>
public sealed record WatchFilter(string? Key, string Prefix)
{
    public static readonly WatchFilter Everything = new(null, "");

    public static WatchFilter ForKey(string key) => new(key, "");

    public static WatchFilter ForPrefix(string prefix) => new(null, prefix);

    public bool Matches(KvChange change) => Key is not null
        ? string.Equals(change.Key, Key, StringComparison.Ordinal)
        : change.Key.StartsWith(Prefix, StringComparison.Ordinal);

    public override string ToString() => Key is not null ? $"key '{Key}'" : Prefix.Length > 0 ? $"prefix '{Prefix}'" : "every key";
}
