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
        if (string.IsNullOrEmpty(text) || text.Equals("linearizable", StringComparison.OrdinalIgnoreCase)) consistency = ReadConsistency.Linearizable;
        else if (text.Equals("session", StringComparison.OrdinalIgnoreCase)) consistency = ReadConsistency.Session;
        else if (text.Equals("local", StringComparison.OrdinalIgnoreCase)) consistency = ReadConsistency.Local;
        else
        {
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
