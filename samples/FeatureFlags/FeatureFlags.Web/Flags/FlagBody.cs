using System.Text.Json;

namespace FeatureFlags.Web.Flags;

/// <summary>A PUT's body, <c>{"enabled": true}</c>, and what the cluster holds under the flag's key: the same JSON.</summary>
public sealed record FlagBody(bool? Enabled)
{
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Serialize(bool enabled) => JsonSerializer.SerializeToUtf8Bytes(new FlagBody(enabled), Json);

    /// <summary>Whether a stored value turns its flag on; null when it is not a flag's JSON (someone else wrote the key).</summary>
    public static bool? ReadEnabled(ReadOnlySpan<byte> value)
    {
        try
        {
            return JsonSerializer.Deserialize<FlagBody>(value, Json)?.Enabled;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
