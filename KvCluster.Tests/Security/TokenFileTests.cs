using System.Diagnostics;
using System.Net;
using KvCluster.Log.InMemory;

namespace KvCluster.Tests.Security;

/// <summary>Kv:Auth:TokenFile: tokens in a JSON file, read as a configuration source that reloads, so a token is rotated by editing the file.</summary>
public sealed class TokenFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "kvcluster-tokens-" + Guid.NewGuid().ToString("N")[..12] + ".json");

    private static string Tokens(string secret) => $$$"""{"Tokens": {"ops": {"Secret": "{{{secret}}}", "Role": "admin"} } }""";

    [Fact]
    public async Task A_token_rotated_in_the_file_is_taken_without_a_restart_and_the_old_one_refused()
    {
        await File.WriteAllTextAsync(_file, Tokens("first-file-secret"));
        var logs = new RecordingLoggerProvider();
        var settings = new Dictionary<string, string?> { ["Kv:Auth:Enabled"] = "true", ["Kv:Auth:TokenFile"] = _file };
        await using var coordinator = await SecuredCoordinatorHost.StartAsync(new InMemoryReplicatedLog(), "127.0.0.1:1,abortConnect=false", settings, logs);
        using var http = new HttpClient { BaseAddress = coordinator.BaseAddress };
        async Task<HttpStatusCode> AskAsync(string token)
        {
            using var response = await http.SendAsync(Request.Get("/v1/runtime").WithToken(token));
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await AskAsync("first-file-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AskAsync("second-file-secret"));

        await File.WriteAllTextAsync(_file, Tokens("second-file-secret"));

        await WaitForAsync(() => AskAsync("second-file-secret"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, await AskAsync("first-file-secret"));
        Assert.Contains(logs.Lines, line => line.Contains("Client tokens reloaded", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("file-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_caught_half_written_refuses_its_tokens_until_it_is_whole_again()
    {
        await File.WriteAllTextAsync(_file, Tokens("whole-file-secret"));
        var settings = new Dictionary<string, string?> { ["Kv:Auth:Enabled"] = "true", ["Kv:Auth:TokenFile"] = _file };
        await using var coordinator = await SecuredCoordinatorHost.StartAsync(new InMemoryReplicatedLog(), "127.0.0.1:1,abortConnect=false", settings);
        using var http = new HttpClient { BaseAddress = coordinator.BaseAddress };
        async Task<HttpStatusCode> AskAsync()
        {
            using var response = await http.SendAsync(Request.Get("/v1/runtime").WithToken("whole-file-secret"));
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await AskAsync());

        await File.WriteAllTextAsync(_file, Tokens("whole-file-secret")[..20]);
        await WaitForAsync(AskAsync, HttpStatusCode.Unauthorized);
        await File.WriteAllTextAsync(_file, Tokens("whole-file-secret"));
        await WaitForAsync(AskAsync, HttpStatusCode.OK);
    }

    private static async Task WaitForAsync(Func<Task<HttpStatusCode>> ask, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        while (await ask() != expected)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Not {expected} within 15 s.");
            await Task.Delay(50);
        }
    }

    public void Dispose() => File.Delete(_file);
}
