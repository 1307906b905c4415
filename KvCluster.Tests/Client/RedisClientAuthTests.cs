using KvCluster.Log.Client;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Client;

public class RedisClientAuthTests
{
    private static readonly RedisCommand WhoAmI = new RedisCommand("ACL").Add("WHOAMI");

    [Fact]
    public async Task Password_authenticates_the_default_user()
    {
        await using var server = await RedisTestServer.StartAsync(password: "pa55word");
        await using var client = await RedisClient.ConnectAsync(server.ConnectionString);

        Assert.Equal("default", (await client.ExecuteAsync(WhoAmI)).AsString());
        // The blocking connection authenticates too.
        Assert.Equal("PONG", (await client.ExecuteBlockingAsync(new RedisCommand("PING"), TimeSpan.FromSeconds(5))).AsString());
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_connection_error()
    {
        await using var server = await RedisTestServer.StartAsync(password: "pa55word");

        var error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync($"127.0.0.1:{server.Port},password=wrong"));
        Assert.Contains("rejected the credentials", error.Message);
        var server_error = Assert.IsType<RedisServerException>(error.InnerException);
        Assert.Equal("WRONGPASS", server_error.ErrorCode);
    }

    [Fact]
    public async Task Wrong_password_fails_even_with_abort_connect_off()
    {
        await using var server = await RedisTestServer.StartAsync(password: "pa55word");
        await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync($"127.0.0.1:{server.Port},password=wrong,abortConnect=false"));
    }

    [Fact]
    public async Task Missing_password_says_one_is_needed()
    {
        await using var server = await RedisTestServer.StartAsync(password: "pa55word");

        var error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync($"127.0.0.1:{server.Port}"));
        Assert.Contains("requires authentication", error.Message);
    }

    [Fact]
    public async Task Acl_user_and_password_authenticate_as_that_user()
    {
        await using var server = await RedisTestServer.StartAsync(
            extraArguments: ["--user", "alice", "on", ">secret", "~*", "&*", "+@all"]);

        await using var client = await RedisClient.ConnectAsync($"127.0.0.1:{server.Port},user=alice,password=secret");
        Assert.Equal("alice", (await client.ExecuteAsync(WhoAmI)).AsString());

        var error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync($"127.0.0.1:{server.Port},user=alice,password=nope"));
        Assert.Contains("user 'alice'", error.Message);
    }
}
