using System.Globalization;

namespace KvCluster.Node.Api;

/// <summary>A read's consistency and minimum sequence, from `?consistency=`/`X-Kv-Consistency` and `X-Kv-Min-Seq`.</summary>
internal readonly record struct ReadRequest(ReadConsistency Consistency, long MinSeq)
{
    public const string ConsistencyHeader = "X-Kv-Consistency";
    public const string MinSeqHeader = "X-Kv-Min-Seq";

    public static bool TryParse(HttpRequest request, out ReadRequest read, out string error)
    {
        read = default;
        string? text = request.Query["consistency"].FirstOrDefault() ?? request.Headers[ConsistencyHeader].FirstOrDefault();
        ReadConsistency consistency;
        switch (text?.ToLowerInvariant())
        {
            case null or "" or "linearizable": consistency = ReadConsistency.Linearizable; break;
            case "session": consistency = ReadConsistency.Session; break;
            case "local": consistency = ReadConsistency.Local; break;
            default:
                error = $"Unknown consistency '{text}'; use linearizable, session or local.";
                return false;
        }

        long minSeq = 0;
        string? minSeqText = request.Headers[MinSeqHeader].FirstOrDefault();
        if (!string.IsNullOrEmpty(minSeqText)
            && !long.TryParse(minSeqText, NumberStyles.None, CultureInfo.InvariantCulture, out minSeq))
        {
            error = $"{MinSeqHeader} must be a non-negative integer (the X-Kv-Seq of an earlier response).";
            return false;
        }
        read = new ReadRequest(consistency, minSeq);
        error = "";
        return true;
    }
}
