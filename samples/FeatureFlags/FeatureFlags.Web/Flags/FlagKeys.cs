using System.Text.RegularExpressions;

namespace FeatureFlags.Web.Flags;

/// <summary>Where flags live in the cluster: the flag <c>dark-mode</c> is the key <c>flags/dark-mode</c>.</summary>
public static partial class FlagKeys
{
    public const string Prefix = "flags/";

    public static string KeyOf(string name) => Prefix + name;

    /// <summary>The flag a key holds; null for a key under the prefix whose rest is no flag name (<c>flags/a/b</c>).</summary>
    public static string? NameOf(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && key[Prefix.Length..] is var name && IsValidName(name) ? name : null;

    // Names that need no escaping in a URL path or a key.
    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ValidName();
}
