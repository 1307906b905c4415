using System.Text;
using System.Text.Json;
using KvCluster.Node.StateMachine;
using Microsoft.Net.Http.Headers;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// A stored value as the compatibility routes answer it: the JSON itself when it was written as JSON (as they store
/// it), otherwise — a value written through /v1/kv with another Content-Type — its bytes as a JSON string.
/// </summary>
internal static class StoredValueJson
{
    public const string ContentType = "application/json";

    public static JsonElement ToJson(KvRecord record)
    {
        if (IsJson(record.ContentType))
        {
            try
            {
                using var document = JsonDocument.Parse(record.Value);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Labelled JSON but is not: answer its text rather than fail the read.
            }
        }
        return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(record.Value.Span), CompatJsonContext.Default.String);
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
