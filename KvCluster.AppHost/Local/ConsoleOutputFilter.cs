using System.Text.RegularExpressions;

namespace KvCluster.AppHost.Local;

/// <summary>
/// Keeps the console readable: of the children's output, only warnings, errors and unstructured text
/// (a crash's stack trace) get through, plus the supervisor's own notices; --verbose shows everything.
/// Understands the .NET console logger ("warn: Category[0]" then indented lines) and Redis's log ("#" = warning).
/// </summary>
public sealed partial class ConsoleOutputFilter(bool verbose)
{
    private readonly Dictionary<string, bool> _hidingEntryOf = [];
    private readonly Lock _gate = new();

    /// <summary>Whether to show <paramref name="line"/>, a "[name] text" line from <see cref="ClusterOptions.Output"/>.</summary>
    public bool ShouldShow(string line)
    {
        if (verbose) return true;
        var match = Prefixed().Match(line);
        if (!match.Success) return true;
        var source = match.Groups["source"].Value;
        var text = match.Groups["text"].Value;
        if (text.StartsWith("(apphost) ", StringComparison.Ordinal)) return true;
        if (source == "redis") return RedisWarning().IsMatch(text);

        lock (_gate)
        {
            bool hide;
            if (text.StartsWith("info: ", StringComparison.Ordinal) || text.StartsWith("dbug: ", StringComparison.Ordinal) ||
                text.StartsWith("trce: ", StringComparison.Ordinal))
            {
                hide = true;
            }
            else if (text.Length > 0 && char.IsWhiteSpace(text[0]))
            {
                // A continuation line belongs to the entry above it.
                hide = _hidingEntryOf.GetValueOrDefault(source);
            }
            else
            {
                hide = false;
            }
            _hidingEntryOf[source] = hide;
            return !hide;
        }
    }

    [GeneratedRegex(@"^\[(?<source>[^\]]+)\] (?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex Prefixed();

    // "1234:M 22 Nov 2025 01:43:00.123 # message": '#' marks a warning.
    [GeneratedRegex(@"^\d+:[A-Z] .*? # ")]
    private static partial Regex RedisWarning();
}
