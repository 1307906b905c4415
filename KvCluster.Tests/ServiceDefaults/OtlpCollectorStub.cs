using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// Stands in for an OpenTelemetry collector speaking OTLP over http/protobuf: records every export
/// request. Protobuf carries strings as plain UTF-8, so a test can look for names in the payloads.
/// </summary>
internal sealed class OtlpCollectorStub : IAsyncDisposable
{
    private readonly ConcurrentQueue<Export> _exports = new();
    private LoopbackServer? _server;

    public sealed record Export(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public bool Contains(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

        /// <summary>
        /// Whether a span attribute <paramref name="key"/> has a string value starting with
        /// <paramref name="valuePrefix"/>: the key is followed by the value's few framing bytes.
        /// </summary>
        public bool HasAttribute(string key, string valuePrefix)
        {
            var body = Body.AsSpan();
            var keyBytes = Encoding.UTF8.GetBytes(key);
            var valueBytes = Encoding.UTF8.GetBytes(valuePrefix);
            for (var offset = 0; ;)
            {
                var found = body[offset..].IndexOf(keyBytes);
                if (found < 0)
                {
                    return false;
                }

                var valueStart = offset + found + keyBytes.Length;
                var window = body[valueStart..Math.Min(body.Length, valueStart + 8 + valueBytes.Length)];
                if (window.IndexOf(valueBytes) >= 0)
                {
                    return true;
                }

                offset = valueStart;
            }
        }
    }

    public Uri Endpoint => _server!.BaseAddress;

    public IReadOnlyList<Export> Exports => [.. _exports];

    public static async Task<OtlpCollectorStub> StartAsync()
    {
        var collector = new OtlpCollectorStub();
        collector._server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            collector._exports.Enqueue(new Export(request.Path.Value ?? "", headers, body.ToArray()));
            return Results.Ok();
        }));
        return collector;
    }

    /// <summary>Waits until an export matching <paramref name="match"/> arrives; fails the test at the deadline.</summary>
    public async Task<Export> WaitForAsync(Func<Export, bool> match, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (_exports.FirstOrDefault(match) is { } export)
            {
                return export;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No OTLP export {description} arrived; received {_exports.Count} exports to {string.Join(", ", _exports.Select(e => e.Path).Distinct())}.");
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
