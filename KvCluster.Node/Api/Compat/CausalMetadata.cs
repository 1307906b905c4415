using System.Globalization;
using System.Text.Json;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// kevinDB's "causal-metadata", mapped onto session consistency: it is the X-Kv-Seq of the response as a string
/// ("42"), and a request carrying it is served by a node that has applied at least that far. Every write acknowledged
/// up to that seq is then visible, which is all causal order asks (the log is a total order that respects it).
/// </summary>
internal static class CausalMetadata
{
    /// <summary>
    /// The minimum seq a request asks for: 0 when the metadata is absent, null or "" (a first request);
    /// false when it is anything but a non-negative integer (as a string or a number).
    /// </summary>
    public static bool TryParse(JsonElement? metadata, out long minSeq)
    {
        minSeq = 0;
        if (metadata is not { } element) return true;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                string text = element.GetString()!;
                return text.Length == 0
                    || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minSeq);
            case JsonValueKind.Number:
                return element.TryGetInt64(out minSeq) && minSeq >= 0;
            default:
                return false;
        }
    }

    public static string Format(long seq) => seq <= 0 ? "" : seq.ToString(CultureInfo.InvariantCulture);
}
