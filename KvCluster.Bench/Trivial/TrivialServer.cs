using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.Bench.Trivial;

/// <summary>
/// The smallest useful endpoint: Kestrel and minimal-API routing (as the nodes use) answering GET / with a
/// constant body. What it does per second on this machine is the ceiling for any HTTP read here; the bench runs one
/// per value size, so the ceiling of a read of 10 KiB also moves 10 KiB.
/// </summary>
public static class TrivialServer
{
    public const int DefaultBodySize = 100;

    /// <summary>The largest body it serves (the bench's values are far smaller).</summary>
    public const int MaxBodySize = 16 * 1024 * 1024;

    /// <summary>Serves on 127.0.0.1:<paramref name="port"/> until <paramref name="stopping"/> fires.</summary>
    public static async Task RunAsync(int port, int bodySize, CancellationToken stopping)
    {
        await using var app = Build(port, bodySize);
        await app.RunAsync(stopping).ConfigureAwait(false);
    }

    /// <summary>The server, not yet started (port 0 picks a free one: read it from the app's URLs after StartAsync).</summary>
    public static WebApplication Build(int port, int bodySize = DefaultBodySize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodySize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bodySize, MaxBodySize);
        byte[] body = [.. Enumerable.Repeat((byte)'x', bodySize)];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/", () => Results.Bytes(body, "application/octet-stream"));
        return app;
    }
}
