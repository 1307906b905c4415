using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>
/// KvCluster on a Redis that asks who is connecting: a password (the default user's), an ACL user over TLS with the CA
/// given by --redis-ca-file; and an earlier deployment's key prefix, given by --key-prefix, still used.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SecuredRedisTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_password_protected_Redis_works_and_an_earlier_deployments_kv_prefix_is_kept()
    {
        await using var redis = await RedisTestServer.StartAsync(password: "s3cret-pass");
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1, options => options with
        {
            SpareNodes = 0,
            RedisConnection = $"127.0.0.1:{redis.Port},password=s3cret-pass",
            // What every cluster used before the default became the hash tag {kv}:.
            KeyPrefix = "kv:",
        });

        await KeyValueRoundTrip.AssertAsync(writer: cluster.NodeClients[0], reader: cluster.NodeClients[0]);

        var keys = (await RedisCli.RunAsync(["-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--user", "default", "--pass", "s3cret-pass", "--no-auth-warning", "--scan"])).Lines;
        Assert.Contains("kv:log", keys);
        Assert.Contains("kv:seq", keys);
        Assert.All(keys, key => Assert.StartsWith("kv:", key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ACL_user_over_TLS_only_works_when_the_CA_file_is_given()
    {
        await using var redis = await RedisTestServer.StartWithTlsAsync(extraArguments:
            ["--user", "alice", "on", ">alice-pass", "~*", "&*", "+@all", "--user", "default", "off"]);
        await using var cluster = await TestCluster.StartAsync(output, nodes: 1, options => options with
        {
            SpareNodes = 0,
            // The server has no plain port, and with the default user off only alice gets in.
            RedisConnection = $"127.0.0.1:{redis.TlsPort},ssl=true,sslHost=localhost,user=alice,password=alice-pass",
            RedisCaFile = redis.Certificates!.CaCertificateFile,
        });

        await KeyValueRoundTrip.AssertAsync(writer: cluster.NodeClients[0], reader: cluster.NodeClients[0]);
    }
}
