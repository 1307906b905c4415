using System.Diagnostics;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// A Redis the cluster cannot use (a wrong password, a certificate it does not trust) is said on /health and in the
/// services' log, and the services keep running and retrying: no crash, so no restart loop.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnusableRedisTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);
    // Longer than the AppHost's first restart delays (0.5 s, 1 s, 2 s, 4 s) and a few connect attempts.
    private static readonly TimeSpan WatchedFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_wrong_password_is_named_on_health_and_in_a_warning_and_nothing_restarts()
    {
        await using var redis = await RedisTestServer.StartAsync(password: "right-pass");
        await AssertReportedWithoutRestartsAsync($"127.0.0.1:{redis.Port},password=wrong-pass", failure: "authentication");
    }

    [Fact]
    public async Task An_untrusted_TLS_certificate_is_named_on_health_and_in_a_warning_and_nothing_restarts()
    {
        await using var redis = await RedisTestServer.StartWithTlsAsync(password: "tls-pass");
        // ssl=true to a server whose CA nothing on the machine trusts, and no --redis-ca-file: the handshake is refused.
        await AssertReportedWithoutRestartsAsync(redis.ConnectionString, failure: "certificate");
    }

    private async Task AssertReportedWithoutRestartsAsync(string connection, string failure)
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1, options => options with
        {
            SpareNodes = 0,
            RedisConnection = connection,
            WaitUntilHealthy = false,
        });
        var running = Stopwatch.StartNew();
        ClusterService[] services = [cluster.Coordinator, cluster.Nodes[0]];
        var processes = services.ToDictionary(service => service.Name, service => service.ProcessId);

        foreach (var service in services)
        {
            var client = cluster.ClientFor(service);
            HealthAnswer? last = null;
            await Eventually.TrueAsync(async () => (last = await HealthAnswer.GetAsync(client)).UnhealthyBecauseOf(failure), ReportTimeout,
                () => $"{service.Name}'s /health did not answer 503 with a check naming '{failure}'; it answered {last} " +
                    $"(the AppHost restarted it {service.RestartCount} times)");
            await Eventually.TrueAsync(() => ConsoleWarnings.In(service.RecentOutput).Any(warning => warning.Contains(failure, StringComparison.OrdinalIgnoreCase)),
                ReportTimeout, () => $"{service.Name} logged no warning naming '{failure}'");
        }

        if (WatchedFor - running.Elapsed is { Ticks: > 0 } rest) await Task.Delay(rest);
        foreach (var service in services)
        {
            Assert.True(processes[service.Name] == service.ProcessId,
                $"{service.Name} ran as process {processes[service.Name]} and now as {service.ProcessId?.ToString() ?? "none"}");
            Assert.Equal(0, service.RestartCount);
        }
    }
}
