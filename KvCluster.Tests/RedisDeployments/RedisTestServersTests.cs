using System.Globalization;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// The Redis deployments the other tests here start KvCluster against are what they claim to be, checked with
/// redis-cli: a Redis Cluster of three masters serving every slot, and a TLS-only server trusted through its CA file.
/// </summary>
public sealed class RedisTestServersTests
{
    [Fact]
    public async Task Three_masters_form_one_Redis_Cluster_that_serves_every_slot_and_places_a_hash_tag_on_one_master()
    {
        await using var redis = await RedisClusterServers.StartAsync();

        foreach (int port in redis.Ports)
        {
            var info = (await RedisCli.RunAsync(["-p", Port(port), "CLUSTER", "INFO"])).Lines;
            Assert.Contains("cluster_state:ok", info);
            Assert.Contains("cluster_slots_assigned:16384", info);
            Assert.Contains("cluster_size:3", info);
        }
        // -c follows the cluster's redirections, as a cluster-aware client would.
        await RedisCli.RunAsync(["-c", "-p", Port(redis.Ports[0]), "SET", "{kv}:probe", "written"]);
        var read = await RedisCli.RunAsync(["-c", "-p", Port(redis.Ports[2]), "GET", "{kv}:probe"]);
        Assert.Equal("written", read.Output.Trim());

        var holders = (await redis.KeysByMasterAsync()).Where(master => master.Value.Contains("{kv}:probe")).ToArray();
        Assert.Single(holders);
        Assert.Equal(await redis.KeySlotAsync("kv"), await redis.KeySlotAsync("{kv}:probe"));
        Assert.Equal($"127.0.0.1:{redis.Ports[0]},127.0.0.1:{redis.Ports[1]},127.0.0.1:{redis.Ports[2]}", redis.SeedConnectionString);
    }

    [Fact]
    public async Task A_TLS_only_server_answers_a_client_that_trusts_its_CA_file_and_no_other()
    {
        await using var redis = await RedisTestServer.StartWithTlsAsync(password: "tls-pass");
        string tlsPort = Port(redis.TlsPort!.Value);
        string[] authenticated = ["-h", "127.0.0.1", "-p", tlsPort, "--user", "default", "--pass", "tls-pass", "--no-auth-warning"];

        var trusted = await RedisCli.RunAsync(["--tls", "--cacert", redis.Certificates!.CaCertificateFile, .. authenticated, "PING"]);
        Assert.Equal("PONG", trusted.Output.Trim());

        // Without the CA file redis-cli trusts only the machine's CAs, which never signed this certificate.
        var untrusted = await RedisCli.TryRunAsync(["--tls", .. authenticated, "PING"]);
        Assert.DoesNotContain("PONG", untrusted.Output);
        Assert.Contains("certificate verify failed", untrusted.Output + untrusted.Error, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(0, redis.Port);
        Assert.Equal($"127.0.0.1:{tlsPort},ssl=true,sslHost=localhost,password=tls-pass", redis.ConnectionString);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
