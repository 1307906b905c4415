namespace KvCluster.Bench.Targets;

/// <summary>HTTP clients with a fixed number of connections, and reading answers without buffering them in new arrays.</summary>
internal static class LoopbackHttp
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A client for one server that opens at most <paramref name="connections"/> connections (so C callers with one
    /// request each use exactly C), keeps them for the whole run, and ignores any proxy from the environment.
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        {
            BaseAddress = baseAddress,
            Timeout = RequestTimeout,
        };

    /// <summary>How many of <paramref name="connections"/> callers use server <paramref name="server"/> when caller i uses server i % servers.</summary>
    public static int ConnectionsFor(int server, int servers, int connections) =>
        connections / servers + (server < connections % servers ? 1 : 0);

    /// <summary>Reads the whole body into <paramref name="buffer"/> (grown when too small) and returns its length.</summary>
    public static async Task<int> ReadBodyAsync(HttpResponseMessage response, ResponseBuffer buffer, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        int length = 0;
        while (true)
        {
            if (length == buffer.Bytes.Length) buffer.Grow();
            int read = await stream.ReadAsync(buffer.Bytes.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0) return length;
            length += read;
        }
    }
}

/// <summary>One connection's reusable buffer for response bodies.</summary>
internal sealed class ResponseBuffer
{
    public byte[] Bytes { get; private set; } = new byte[16 * 1024];

    public void Grow()
    {
        var larger = new byte[Bytes.Length * 2];
        Bytes.CopyTo(larger, 0);
        Bytes = larger;
    }
}
