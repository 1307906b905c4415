using System.Collections.Concurrent;
using KvCluster.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>What a test server received, to count attempts and compare bodies.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<Request> _requests = new();
    private int _received;

    public sealed record Request(string Method, string Path, string? IdempotencyKey, byte[] Body);

    public int Count => _requests.Count;

    public IReadOnlyList<Request> Requests => [.. _requests];

    /// <summary>Records the request, body included; returns the attempt's number, counting from 1.</summary>
    public async Task<int> RecordAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        string? key = request.Headers.TryGetValue(RequestIdempotency.IdempotencyKeyHeader, out var value) ? value.ToString() : null;
        _requests.Enqueue(new Request(request.Method, request.Path.Value ?? "", key, body.ToArray()));
        return Interlocked.Increment(ref _received);
    }
}
