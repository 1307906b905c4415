using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KvCluster.Tests.Compat;

/// <summary>
/// Requests as the compatibility APIs' clients send them (curl -X PUT -H "Content-Type: application/json" -d '...'),
/// and semantic JSON comparison of the answers.
/// </summary>
internal static class CompatHttp
{
    public const string CausalMetadata = "causal-metadata";

    public static async Task<CompatResponse> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        using var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? null : JsonNode.Parse(text)?.AsObject();
        return new CompatResponse(response.StatusCode, json ?? [], response.Content.Headers.ContentType?.MediaType, text);
    }

    public static Task<CompatResponse> PutAsync(HttpClient client, string path, string? body, string contentType = "application/json") =>
        SendAsync(client, HttpMethod.Put, path, body, contentType);

    public static Task<CompatResponse> GetAsync(HttpClient client, string path, string? body = null) =>
        SendAsync(client, HttpMethod.Get, path, body);

    public static Task<CompatResponse> DeleteAsync(HttpClient client, string path, string? body = null) =>
        SendAsync(client, HttpMethod.Delete, path, body);

    /// <summary>A kevinDB request body carrying <paramref name="metadata"/> (and a value when given).</summary>
    public static string KevinBody(string? metadata, string? valueJson = null) =>
        valueJson is null
            ? $$"""{"causal-metadata":{{JsonValue.Create(metadata ?? "").ToJsonString()}}}"""
            : $$"""{"value":{{valueJson}},"causal-metadata":{{JsonValue.Create(metadata ?? "").ToJsonString()}}}""";

    /// <summary>The "host:port" a node's view entry should show.</summary>
    public static string SocketAddressOf(Uri url) => $"{url.Host}:{url.Port}";
}

/// <summary>An answer: status, body as a JSON object, media type and raw text (for messages).</summary>
internal sealed record CompatResponse(HttpStatusCode Status, JsonObject Body, string? MediaType, string Text)
{
    /// <summary>
    /// Asserts the status and that the body equals <paramref name="expectedJson"/> as JSON (member order aside),
    /// ignoring "causal-metadata", which must then be present as a string unless <paramref name="withMetadata"/> is false.
    /// </summary>
    public void Is(HttpStatusCode status, string expectedJson, bool withMetadata = true)
    {
        Assert.True(status == Status, $"expected {(int)status}, got {(int)Status}: {Text}");
        Assert.Equal("application/json", MediaType);
        var actual = (JsonObject)Body.DeepClone();
        if (withMetadata)
        {
            Assert.True(actual.TryGetPropertyValue(CompatHttp.CausalMetadata, out var metadata) && metadata is JsonValue value
                && value.TryGetValue<string>(out _), $"no causal-metadata string in {Text}");
            actual.Remove(CompatHttp.CausalMetadata);
        }
        var expected = JsonNode.Parse(expectedJson);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected!.ToJsonString()}, got {Text}");
    }

    /// <summary>The causal metadata of the answer (a seq as a string).</summary>
    public string Metadata => Body[CompatHttp.CausalMetadata]!.GetValue<string>();
}
