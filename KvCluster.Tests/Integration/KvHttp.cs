using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KvCluster.Tests.Integration;

/// <summary>Small helpers for talking to a node's client API the way a user's HTTP client would.</summary>
internal static class KvHttp
{
    public static string KeyPath(string key) => "/v1/kv/" + Uri.EscapeDataString(key);

    public static async Task<HttpResponseMessage> PutAsync(HttpClient client, string key, string value,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KeyPath(key))
        {
            Content = new StringContent(value, Encoding.UTF8, "text/plain"),
        };
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string key, string consistency = "linearizable",
        long? minSeq = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, KeyPath(key) + "?consistency=" + consistency);
        if (minSeq is long seq) request.Headers.Add("X-Kv-Min-Seq", seq.ToString(CultureInfo.InvariantCulture));
        return await client.SendAsync(request);
    }

    public static async Task<string?> GetValueAsync(HttpClient client, string key, string consistency = "linearizable")
    {
        using var response = await GetAsync(client, key, consistency);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static long Seq(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("X-Kv-Seq").Single(), CultureInfo.InvariantCulture);

    public static long ETagVersion(HttpResponseMessage response) =>
        long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>GET /v1/node with the state digest.</summary>
    public static async Task<NodeView> NodeAsync(HttpClient client)
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/v1/node?digest=true");
        return new NodeView(json.GetProperty("id").GetString()!, json.GetProperty("applied").GetInt64(),
            json.GetProperty("keys").GetInt32(), json.GetProperty("digest").GetString()!);
    }

    /// <summary>The log head as the cluster view reports it.</summary>
    public static async Task<long> HeadAsync(HttpClient client)
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/v1/cluster");
        return json.GetProperty("head").GetInt64();
    }

    public static void AssertProblem(HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static MediaTypeHeaderValue Json => new("application/json");
}

internal sealed record NodeView(string Id, long Applied, int Keys, string Digest);
