using System.Text.Json;
using KvCluster.Bench.Cli;
using KvCluster.Bench.Trivial;
using Microsoft.AspNetCore.Builder;

namespace KvCluster.Tests.Bench;

/// <summary>The trivial endpoint is the ceiling of a read of one value size: it answers that many bytes, and the bench checks it did.</summary>
public sealed class TrivialEndpointTests : IAsyncLifetime
{
    private const int BodySize = 10 * 1024;
    private readonly WebApplication _server = TrivialServer.Build(port: 0, bodySize: BodySize);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kv-trivial-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => _server.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    // Port 0 picks a free port; the server's addresses say which.
    private string Url => _server.Urls.Single();

    [Fact]
    public async Task It_answers_every_request_with_a_body_of_its_configured_size()
    {
        // Loopback only: no proxy from the environment.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        byte[] body = await http.GetByteArrayAsync(Url);

        Assert.Equal(BodySize, body.Length);
    }

    [Fact]
    public async Task A_run_whose_value_size_matches_the_body_succeeds_and_one_that_does_not_counts_every_request_as_an_error()
    {
        var matching = await RunAsync(valueSize: BodySize);
        var mismatched = await RunAsync(valueSize: 100);

        Assert.True(matching.GetProperty("operations").GetInt64() > 0, "no requests in the matching run");
        Assert.Equal(0, matching.GetProperty("errors").GetInt64());

        Assert.Equal(0, mismatched.GetProperty("operations").GetInt64());
        var kinds = mismatched.GetProperty("errorsByKind").EnumerateObject().ToList();
        var kind = Assert.Single(kinds);
        Assert.Contains("not 100 bytes", kind.Name);
        Assert.True(kind.Value.GetInt64() > 0);
    }

    // A second of warmup, then three measured: on a busy machine (the suite runs classes side by side) the first
    // requests, JIT included, have taken longer than a one-second window, and a one-second window once caught none.
    private async Task<JsonElement> RunAsync(int valueSize)
    {
        string json = Path.Combine(_directory, $"trivial-{valueSize}.json");
        int exitCode = await BenchCommandLine.InvokeAsync(
            ["run", "--target", "trivial", "--endpoint", Url, "--value-size", valueSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--connections", "2", "--duration", "3", "--warmup", "1", "--json", json],
            new StringWriter());
        Assert.Equal(0, exitCode);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return report.RootElement.Clone();
    }
}
