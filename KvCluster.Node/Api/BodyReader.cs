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

        // Kestrel stops a chunked body at the limit with a 413 of its own; we catch it to answer in our format.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;

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
}
