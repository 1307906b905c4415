using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace KvCluster.Node.Api;

/// <summary>A read's consistency and minimum sequence, from `?consistency=`/`X-Kv-Consistency` and `X-Kv-Min-Seq`.</summary>
internal readonly record struct ReadRequest(ReadConsistency Consistency, long MinSeq)
{
    public const string ConsistencyHeader = "X-Kv-Consistency";
    public const string MinSeqHeader = "X-Kv-Min-Seq";

    public static bool TryParse(HttpRequest request, out ReadRequest read, out string error)
    {
        read = default;
        ReadOnlySpan<char> text = ConsistencyParameter(request.QueryString.Value) is { } fromQuery
            ? fromQuery.Span
            : request.Headers[ConsistencyHeader].FirstOrDefault();
        ReadConsistency consistency;
        if (text.IsEmpty || text.Equals("linearizable", StringComparison.OrdinalIgnoreCase)) consistency = ReadConsistency.Linearizable;
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

    // The first `consistency` parameter, matched as Request.Query would (name decoded, case ignored), without
    // building the whole query collection on every read.
    private static ReadOnlyMemory<char>? ConsistencyParameter(string? queryString)
    {
        foreach (var pair in new QueryStringEnumerable(queryString))
        {
            if (pair.DecodeName().Span.Equals("consistency", StringComparison.OrdinalIgnoreCase)) return pair.DecodeValue();
        }
        return null;
    }
}
