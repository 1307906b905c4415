using System.Globalization;
using KvCluster.Log.Entries;
using Microsoft.Net.Http.Headers;

namespace KvCluster.Node.Api;

/// <summary>Maps If-Match / If-None-Match to a <see cref="Precondition"/>. Versions travel as strong ETags: "42".</summary>
internal static class WritePreconditions
{
    public static bool TryParse(HttpRequest request, bool allowCreateOnly, out Precondition precondition, out string error)
    {
        precondition = Precondition.None;
        error = "";
        var ifMatch = request.Headers[HeaderNames.IfMatch];
        var ifNoneMatch = request.Headers[HeaderNames.IfNoneMatch];
        if (ifMatch.Count > 0 && ifNoneMatch.Count > 0)
        {
            error = "Send If-Match or If-None-Match, not both.";
            return false;
        }
        if (ifMatch.Count > 0)
        {
            string text = ifMatch.ToString().Trim();
            if (!TryParseVersionTag(text, out long version))
            {
                error = $"If-Match must be one version as a strong ETag, e.g. If-Match: \"42\"; got '{text}'.";
                return false;
            }
            precondition = Precondition.VersionMatches(version);
        }
        else if (ifNoneMatch.Count > 0)
        {
            string text = ifNoneMatch.ToString().Trim();
            if (!allowCreateOnly || text != "*")
            {
                error = allowCreateOnly
                    ? $"If-None-Match supports only '*' (create only); got '{text}'."
                    : "If-None-Match is not supported on this request.";
                return false;
            }
            precondition = Precondition.MustNotExist;
        }
        return true;
    }

    public static string FormatVersionTag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static bool TryParseVersionTag(string text, out long version)
    {
        version = 0;
        return text.Length >= 3 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0;
    }
}
