using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// The JSON object the compatibility routes take: <c>{"value": any JSON, "causal-metadata": "12", "socket-address": "h:p"}</c>,
/// every field optional here (each route says which it needs). An empty body is an empty object; a body with a
/// non-JSON Content-Type, or that is not one JSON object, is refused.
/// </summary>
internal sealed record CompatRequestBody
{
    private static readonly CompatRequestBody Empty = new();

    /// <summary>The raw UTF-8 JSON text of "value", exactly as sent; null when absent or JSON null.</summary>
    public byte[]? Value { get; private init; }

    /// <summary>"causal-metadata" as sent (a string, a number, or null when absent).</summary>
    public JsonElement? CausalMetadata { get; private init; }

    /// <summary>"socket-address" when it is a string; null otherwise.</summary>
    public string? SocketAddress { get; private init; }

    public static bool TryParse(ReadOnlyMemory<byte> body, string? contentType, out CompatRequestBody parsed, out string error)
    {
        parsed = Empty;
        error = "";
        if (body.Length == 0) return true;
        if (contentType is not null && !IsJson(contentType))
        {
            error = "Content-Type must be application/json";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = "Invalid JSON";
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object";
                return false;
            }
            parsed = new CompatRequestBody
            {
                Value = root.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null
                    ? JsonMarshal.GetRawUtf8Value(value).ToArray()
                    : null,
                CausalMetadata = root.TryGetProperty("causal-metadata", out var metadata) ? metadata.Clone() : null,
                SocketAddress = root.TryGetProperty("socket-address", out var address) && address.ValueKind == JsonValueKind.String
                    ? address.GetString()
                    : null,
            };
            return true;
        }
    }

    /// <summary>application/json, or any type with a +json suffix (application/merge-patch+json, ...).</summary>
    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
