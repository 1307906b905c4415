using System.Net.Http.Headers;
using System.Text;

namespace KvCluster.Tests.Security;

/// <summary>Small builders for the requests the security tests send.</summary>
internal static class Request
{
    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    public static HttpRequestMessage Post(string path) => new(HttpMethod.Post, path);

    public static HttpRequestMessage Delete(string path) => new(HttpMethod.Delete, path);

    public static HttpRequestMessage Put(string path, string body, string contentType = "text/plain") =>
        With(HttpMethod.Put, path, body, contentType);

    public static HttpRequestMessage Json(HttpMethod method, string path, string json) => With(method, path, json, "application/json");

    /// <summary>Sends the path exactly as written: no dot segments removed, no escapes undone.</summary>
    public static HttpRequestMessage Raw(HttpMethod method, Uri baseAddress, string path) =>
        new(method, new Uri(baseAddress + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));

    public static HttpRequestMessage WithToken(this HttpRequestMessage request, string? token)
    {
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage With(HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return request;
    }
}
