using Microsoft.Extensions.Options;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// Reads a compatibility route's request body: one that carries a value may use all of Kv:MaxValueBytes plus room for
/// the JSON around it; one that carries only metadata or a socket address (a GET, a DELETE, the view) just that room.
/// </summary>
internal static class CompatBody
{
    private const int EnvelopeBytes = 64 * 1024;

    /// <summary>The body of a request with a value, or null when it is larger than any value this node accepts.</summary>
    public static Task<byte[]?> ReadAsync(HttpContext context, IOptions<NodeOptions> options) =>
        BodyReader.ReadAsync(context.Request, options.Value.MaxValueBytes + EnvelopeBytes, context.RequestAborted);

    /// <summary>The body of a request without a value, or null when it is larger than its JSON could need.</summary>
    public static Task<byte[]?> ReadEnvelopeAsync(HttpContext context) =>
        BodyReader.ReadAsync(context.Request, EnvelopeBytes, context.RequestAborted);
}
