using System.Text;
using System.Text.RegularExpressions;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// The warnings among a service's console lines. The console logger writes a record as "warn: Category[id]" and then
/// its message and exception on indented lines; each warning comes back as one text.
/// </summary>
public static partial class ConsoleWarnings
{
    public static IEnumerable<string> In(IEnumerable<string> lines)
    {
        StringBuilder? warning = null;
        foreach (string line in lines.Select(WithoutTimestamp))
        {
            if (warning is not null && line.StartsWith(' '))
            {
                warning.AppendLine().Append(line.Trim());
                continue;
            }
            if (warning is not null) yield return warning.ToString();
            warning = line.StartsWith("warn: ", StringComparison.Ordinal) ? new StringBuilder(line) : null;
        }
        if (warning is not null) yield return warning.ToString();
    }

    // DCP stamps each line it captured with the time ("2026-12-04T04:27:51.5100000Z warn: ...").
    private static string WithoutTimestamp(string line) => DcpTimestamp().Replace(line, "", 1);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ")]
    private static partial Regex DcpTimestamp();
}
