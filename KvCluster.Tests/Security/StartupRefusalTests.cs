using System.Diagnostics;
using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.Security;

/// <summary>
/// A service refuses to start when its settings would leave it open: no internal key, client tokens off while it
/// listens beyond loopback, a token it cannot use. Refusing is one line on stderr and exit code 1.
/// </summary>
public sealed class StartupRefusalTests
{
    private static void AddSecurity(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddKvSecurity();
    }

    private static Dictionary<string, string?> WithKey(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?> { [TestInternalKey.Setting.Key] = TestInternalKey.Value };
        foreach (var (key, value) in settings) all[key] = value;
        return all;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Without_an_internal_key_a_service_refuses_to_start(string? key)
    {
        var refused = Assert.Throws<InsecureConfigurationException>(() => AddSecurity(new() { ["Kv:InternalKey"] = key }));
        Assert.Contains("Kv:InternalKey", refused.Message);
    }

    [Theory]
    [InlineData("urls", "http://+:8080")]
    [InlineData("urls", "http://*:8080")]
    [InlineData("urls", "http://0.0.0.0:5101")]
    [InlineData("urls", "http://[::]:5101")]
    [InlineData("urls", "http://127.0.0.1:5101;http://10.1.2.3:5101")]
    [InlineData("urls", "http://node-1.internal:5101")]
    [InlineData("http_ports", "8080")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:5000")]
    public void With_tokens_off_a_service_listening_beyond_loopback_refuses_to_start(string setting, string value)
    {
        var refused = Assert.Throws<InsecureConfigurationException>(() => AddSecurity(WithKey((setting, value))));
        Assert.Contains("Kv:Auth:Enabled", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://localhost:5101")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:5101;http://127.0.0.2:5102")]
    public void With_tokens_off_a_service_on_loopback_starts(string? urls) => AddSecurity(WithKey(("urls", urls)));

    [Fact]
    public void Urls_on_loopback_win_over_the_container_images_http_ports() =>
        AddSecurity(WithKey(("urls", "http://127.0.0.1:5101"), ("http_ports", "8080")));

    [Fact]
    public void With_tokens_on_a_service_may_listen_anywhere() =>
        AddSecurity(WithKey(("urls", "http://+:8080"), ("Kv:Auth:Enabled", "true"),
            ("Kv:Auth:Tokens:ops:Secret", "s3cret"), ("Kv:Auth:Tokens:ops:Role", "admin")));

    [Theory]
    [InlineData("Kv:Auth:Tokens:ops:Role", "root", "Role")]
    [InlineData("Kv:Auth:Tokens:ops:Secret", "", "Secret")]
    [InlineData("Kv:Auth:TokenFile", "tokens.json", "TokenFile")]
    public void A_token_setting_that_cannot_be_used_refuses_the_start(string setting, string value, string named)
    {
        var settings = WithKey(("Kv:Auth:Enabled", "true"), ("Kv:Auth:Tokens:ops:Secret", "s3cret"), ("Kv:Auth:Tokens:ops:Role", "admin"));
        settings[setting] = value;

        var refused = Assert.Throws<InsecureConfigurationException>(() => AddSecurity(settings));

        Assert.Contains(named, refused.Message);
        Assert.DoesNotContain("s3cret", refused.Message);
    }

    [Theory]
    [InlineData("KvCluster.Node", null, "Kv:InternalKey")]
    [InlineData("KvCluster.Node", "http://0.0.0.0:0", "Kv:Auth:Enabled")]
    [InlineData("KvCluster.Coordinator", null, "Kv:InternalKey")]
    [InlineData("KvCluster.Coordinator", "http://+:0", "Kv:Auth:Enabled")]
    public async Task The_service_process_refuses_with_one_line_and_exit_code_1(string service, string? urls, string named)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, service + ".dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string variable in start.Environment.Keys.Where(k => k.StartsWith("Kv__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }
        if (urls is not null)
        {
            start.Environment["Kv__InternalKey"] = TestInternalKey.Value;
            start.Environment["ASPNETCORE_URLS"] = urls;
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        string error = (await stderr).Trim();
        Assert.Equal(1, process.ExitCode);
        Assert.Contains(named, error);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain(TestInternalKey.Value, error + await stdout);
    }
}
