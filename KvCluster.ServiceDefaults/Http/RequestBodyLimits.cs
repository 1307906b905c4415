using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// How much of a request a service takes. Every route is bounded: by default a body may be 64 KiB (JSON envelopes,
/// kevinDB's metadata, nothing that routes carry in bulk), and a route that takes more says so — a value route reads
/// up to Kv:MaxValueBytes, the coordinator's append up to its batch limit. A larger body is refused with 413 before
/// it is buffered. Request line and headers keep Kestrel's bounds (8 KiB line, 32 KiB of headers, 100 headers),
/// which a 1024-byte key fits percent-encoded (3 KiB).
/// </summary>
public static class RequestBodyLimits
{
    public const long DefaultBytes = 64 * 1024;

    public static void Apply(KestrelServerOptions options) => options.Limits.MaxRequestBodySize = DefaultBytes;

    /// <summary>Lets this route's requests have bodies of up to <paramref name="bytes"/> (routing applies it to the request).</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Limit(bytes));

    private sealed record Limit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
