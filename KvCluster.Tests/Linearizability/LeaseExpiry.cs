namespace KvCluster.Tests.Linearizability;

/// <summary>
/// The expiry of the lease a put attached <see cref="Key"/> to when it wrote <see cref="Value"/>: the lease's revoke
/// entry deletes the key if it still holds that value, and changes nothing once another write has replaced it (the
/// key is then no longer attached). Values are unique to one logical write, so the value names the attachment.
/// </summary>
public sealed record LeaseExpiry(string Key, string Value)
{
    /// <summary>The key after the revoke entry applied at an unseen seq, later than every write before it.</summary>
    public KvKeyState Apply(KvKeyState key) =>
        key.Exists && key.Value == Value ? new KvKeyState(false, null, key.Version, false) : key;

    public override string ToString() => $"lease of \"{Value}\" expires";
}
