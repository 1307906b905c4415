using KvCluster.Log.Client;

namespace KvCluster.Tests.Client;

public class RedisConnectionOptionsTests
{
    [Fact]
    public void Parses_a_full_connection_string()
    {
        var options = RedisConnectionOptions.Parse(
            "cache.example.net:6380,password=s3cr=t,user=alice,ssl=True,sslHost=redis.example.net,defaultDatabase=3," +
            "connectTimeout=1500,syncTimeout=250,abortConnect=false,name=node-1");

        Assert.Equal(new RedisEndpoint("cache.example.net", 6380), options.EndPoint);
        Assert.Equal("s3cr=t", options.Password); // '=' inside a password survives
        Assert.Equal("alice", options.User);
        Assert.True(options.Ssl);
        Assert.Equal("redis.example.net", options.SslHost);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.SyncTimeout);
        Assert.False(options.AbortConnect);
        Assert.Equal("node-1", options.ClientName);
    }

    [Fact]
    public void Defaults_match_stackexchange_redis()
    {
        var options = RedisConnectionOptions.Parse("localhost");
        Assert.Equal(new RedisEndpoint("localhost", 6379), options.EndPoint);
        Assert.Null(options.Password);
        Assert.Null(options.User);
        Assert.False(options.Ssl);
        Assert.Equal(0, options.DefaultDatabase);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SyncTimeout);
        Assert.True(options.AbortConnect);
    }

    [Fact]
    public void Keeps_every_endpoint_and_uses_the_first()
    {
        var options = RedisConnectionOptions.Parse(" 10.0.0.5:7000 , [::1]:7001,::1,KEY=ignored");
        Assert.Equal(
            [new RedisEndpoint("10.0.0.5", 7000), new RedisEndpoint("::1", 7001), new RedisEndpoint("::1", 6379)],
            options.EndPoints);
        Assert.Equal(new RedisEndpoint("10.0.0.5", 7000), options.EndPoint);
    }

    [Fact]
    public void Ignores_unknown_keys_and_reads_keys_case_insensitively()
    {
        var options = RedisConnectionOptions.Parse("127.0.0.1:6390,allowAdmin=true,connectRetry=3,PASSWORD=pw,SSL=false");
        Assert.Equal("pw", options.Password);
        Assert.False(options.Ssl);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_string_is_an_argument_error(string text)
    {
        Assert.Throws<ArgumentException>(() => RedisConnectionOptions.Parse(text));
    }

    [Theory]
    [InlineData("password=only")]           // no endpoint at all
    [InlineData("host:notaport")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:6379,ssl=maybe")]
    [InlineData("host:6379,defaultDatabase=-1")]
    [InlineData("host:6379,syncTimeout=soon")]
    [InlineData("[::1:6379")]
    [InlineData("a:b:c")]
    [InlineData("bad host:6379")]
    public void Garbage_is_a_format_error(string text)
    {
        Assert.Throws<FormatException>(() => RedisConnectionOptions.Parse(text));
    }

    [Fact]
    public void Format_errors_never_show_the_password()
    {
        var error = Assert.Throws<FormatException>(() => RedisConnectionOptions.Parse("password=hunter2"));
        Assert.DoesNotContain("hunter2", error.Message);
        Assert.DoesNotContain("hunter2", RedisConnectionOptions.Parse("h:1,password=hunter2").ToString());
    }
}
