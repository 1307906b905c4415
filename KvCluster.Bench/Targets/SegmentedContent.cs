using System.Net;

namespace KvCluster.Bench.Targets;

/// <summary>A request body sent as a few byte segments in order: a JSON body assembled without copying its parts together.</summary>
internal sealed class SegmentedContent(params ReadOnlyMemory<byte>[] segments) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var segment in segments) await stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        foreach (var segment in segments) length += segment.Length;
        return true;
    }
}
