using KvCluster.AppHost.Local;

namespace KvCluster.Tests.AppHost;

public sealed class AppHostCommandLineTests
{
    private readonly AppHostCommandLine _commandLine = new();

    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        var result = _commandLine.Parse([]);

        Assert.Empty(result.Errors);
        var options = _commandLine.ToOptions(result);
        Assert.Equal(3, options.Nodes);
        Assert.Equal(5100, options.PortBase);
        Assert.Equal(6390, options.RedisPort);
        Assert.Equal(".kvcluster", options.StateDirectory);
        Assert.Null(options.RedisConnection);
        Assert.Equal("everysec", options.Fsync);
        Assert.False(options.Fresh);
        Assert.False(_commandLine.IsVerbose(result));
    }

    [Fact]
    public void Every_option_is_read()
    {
        var result = _commandLine.Parse([
            "--nodes", "5", "--port-base", "7000", "--redis-port", "7100", "--state-dir", "/tmp/x",
            "--redis", "redis.example:6380,password=secret,ssl=true", "--fsync", "always", "--fresh", "--verbose",
        ]);

        Assert.Empty(result.Errors);
        var options = _commandLine.ToOptions(result);
        Assert.Equal(5, options.Nodes);
        Assert.Equal(7000, options.PortBase);
        Assert.Equal(7100, options.RedisPort);
        Assert.Equal("/tmp/x", options.StateDirectory);
        Assert.Equal("redis.example:6380,password=secret,ssl=true", options.RedisConnection);
        Assert.Equal("always", options.Fsync);
        Assert.True(options.Fresh);
        Assert.True(_commandLine.IsVerbose(result));
    }

    [Theory]
    [InlineData(new[] { "--nodes", "0" }, "--nodes must be at least 1")]
    [InlineData(new[] { "--nodes", "-2" }, "--nodes must be at least 1")]
    [InlineData(new[] { "--nodes", "three" }, "three")]
    [InlineData(new[] { "--fsync", "sometimes" }, "sometimes")]
    [InlineData(new[] { "--port-base", "70000" }, "--port-base must be a port between 1 and 65535")]
    [InlineData(new[] { "--redis-port", "0" }, "--redis-port must be a port between 1 and 65535")]
    [InlineData(new[] { "--port-base", "65534", "--nodes", "3" }, "leaves no room")]
    [InlineData(new[] { "--port-base", "6000", "--redis-port", "6002" }, "collides")]
    [InlineData(new[] { "--state-dir", " " }, "--state-dir must not be empty")]
    [InlineData(new[] { "--no-such-option" }, "--no-such-option")]
    public void Bad_values_are_reported_with_a_clear_error(string[] arguments, string expectedInError)
    {
        var result = _commandLine.Parse(arguments);

        var error = Assert.Single(result.Errors);
        Assert.Contains(expectedInError, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_port_may_equal_a_service_port_when_an_external_redis_is_used()
    {
        var result = _commandLine.Parse(["--port-base", "6000", "--redis-port", "6002", "--redis", "127.0.0.1:6379"]);

        Assert.Empty(result.Errors);
    }
}
