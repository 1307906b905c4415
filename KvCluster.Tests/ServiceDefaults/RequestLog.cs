using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>What a test server received, to count attempts and compare bodies.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Method, string Path, byte[] Body)> _requests = new();

    public int Count => _requests.Count;

    public IReadOnlyList<(string Method, string Path, byte[] Body)> Requests => [.. _requests];

    public async Task RecordAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        _requests.Enqueue((request.Method, request.Path.Value ?? "", body.ToArray()));
    }
}
