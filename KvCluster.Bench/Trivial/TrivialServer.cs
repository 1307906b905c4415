using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.Bench.Trivial;

/// <summary>
/// The smallest useful endpoint: Kestrel and minimal-API routing (as the nodes use) answering GET / with a
/// constant 100-byte body. What it does per second on this machine is the ceiling for any HTTP read here.
/// </summary>
public static class TrivialServer
{
    public const int BodySize = 100;

    private static readonly byte[] Body = [.. Enumerable.Repeat((byte)'x', BodySize)];

    /// <summary>Serves on 127.0.0.1:<paramref name="port"/> until <paramref name="stopping"/> fires.</summary>
    public static async Task RunAsync(int port, CancellationToken stopping)
    {
        await using var app = Build(port);
        await app.RunAsync(stopping).ConfigureAwait(false);
    }

    /// <summary>The server, not yet started (port 0 picks a free one: read it from the app's URLs after StartAsync).</summary>
    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/", () => Results.Bytes(Body, "application/octet-stream"));
        return app;
    }
}
