namespace KvCluster.Log.Entries;

/// <summary>
/// A condition a write carries; it is evaluated at apply time, in log order, identically on every replica.
/// </summary>
public readonly record struct Precondition(PreconditionKind Kind, long Version)
{
    public static readonly Precondition None = new(PreconditionKind.None, 0);

    /// <summary><c>If-None-Match: *</c>: only when the key does not exist.</summary>
    public static readonly Precondition MustNotExist = new(PreconditionKind.MustNotExist, 0);

    /// <summary><c>If-Match: "v"</c>: only when the key's current version is <paramref name="version"/>.</summary>
    public static Precondition VersionMatches(long version) => new(PreconditionKind.VersionMatches, version);

    /// <summary>Compact text form stored in the stream: "", "*" or the version number.</summary>
    public string Encode() => Kind switch
    {
        PreconditionKind.None => "",
        PreconditionKind.MustNotExist => "*",
        _ => Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Precondition Decode(string text) => text switch
    {
        "" => None,
        "*" => MustNotExist,
        _ => VersionMatches(long.Parse(text, System.Globalization.CultureInfo.InvariantCulture)),
    };
}

public enum PreconditionKind : byte
{
    None,
    MustNotExist,
    VersionMatches,
}
