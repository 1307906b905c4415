using Microsoft.AspNetCore.Http.Features;

namespace KvCluster.Node.Api;

/// <summary>Reads a request body of at most a limit, refusing a larger one before it is buffered whole.</summary>
internal static class BodyReader
{
    /// <summary>The body, or null when it exceeds <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        if (declared > limit) return null;

        // Kestrel stops a chunked body over its limit with a 413 of its own; we catch it to answer in our format. It
        // counts the chunks' framing (size lines, CRLFs) too, so it gets room for that: the loop below holds the value
        // itself to the limit exactly (a chunked value of exactly the limit was refused).
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit + ChunkFramingAllowance(limit);

        try
        {
            if (declared is long length)
            {
                // Read in full or not used at all, so not zeroed first.
                var buffer = GC.AllocateUninitializedArray<byte>((int)length);
                await request.Body.ReadExactlyAsync(buffer, cancellationToken);
                return buffer;
            }
            using var copy = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (copy.Length + read > limit) return null;
                copy.Write(chunk, 0, read);
            }
            return copy.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    // A chunk of 4 KiB or more costs at most 12 bytes of framing; smaller chunks than that may find the limit lower.
    private static long ChunkFramingAllowance(int limit) => limit / 256 + 1024;
}
