using Microsoft.Extensions.Options;

namespace KvCluster.Node.Api.Compat;

/// <summary>Reads a compatibility route's request body: the value may use all of Kv:MaxValueBytes, plus room for the JSON around it.</summary>
internal static class CompatBody
{
    private const int EnvelopeBytes = 64 * 1024;

    /// <summary>The body, or null when it is larger than any value this node accepts.</summary>
    public static Task<byte[]?> ReadAsync(HttpContext context, IOptions<NodeOptions> options) =>
        BodyReader.ReadAsync(context.Request, options.Value.MaxValueBytes + EnvelopeBytes, context.RequestAborted);
}
