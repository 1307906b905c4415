using System.Net;
using System.Text.Json;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// What a service's <c>GET /health</c> answered: the status code and the JSON report its checks wrote
/// (<c>{"status":"Unhealthy","checks":[{"name":"redis","status":"Unhealthy","description":"..."}]}</c>).
/// </summary>
public sealed record HealthAnswer(HttpStatusCode? StatusCode, string Body, IReadOnlyList<HealthAnswer.Check> Checks)
{
    public sealed record Check(string Name, string Status, string Description);

    /// <summary>The answer, or one with no status code when the service did not answer (not listening yet).</summary>
    public static async Task<HealthAnswer> GetAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/health").ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return new HealthAnswer(response.StatusCode, body, ParseChecks(body));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new HealthAnswer(null, e.Message, []);
        }
    }

    /// <summary>Whether some unhealthy check's description mentions <paramref name="text"/> (ignoring case).</summary>
    public bool UnhealthyBecauseOf(string text) =>
        StatusCode == HttpStatusCode.ServiceUnavailable &&
        Checks.Any(check => check.Status == "Unhealthy" && check.Description.Contains(text, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{(StatusCode is { } code ? (int)code : "no answer")} {Body}";

    // A body that is not the JSON report (plain "Unhealthy") has no checks to name.
    private static IReadOnlyList<Check> ParseChecks(string body)
    {
        try
        {
            using var report = JsonDocument.Parse(body);
            if (!report.RootElement.TryGetProperty("checks", out var checks) || checks.ValueKind != JsonValueKind.Array) return [];
            return [.. checks.EnumerateArray().Select(check => new Check(
                Text(check, "name"), Text(check, "status"), Text(check, "description")))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
