using System.Diagnostics;
using System.Text;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Client;

/// <summary>The pipelined connection against a real redis-server.</summary>
public sealed class RedisClientCommandTests : IAsyncLifetime
{
    private RedisTestServer _server = null!;
    private RedisClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisTestServer.StartAsync(extraArguments: ["--enable-debug-command", "yes"]);
        _client = await RedisClient.ConnectAsync(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<RespValue> Run(string name, params string[] arguments)
    {
        var command = new RedisCommand(name, arguments.Length);
        foreach (var argument in arguments) command.Add(argument);
        return _client.ExecuteAsync(command);
    }

    [Fact]
    public async Task Set_get_and_incr()
    {
        Assert.Equal(RedisConnectionState.Connected, _client.State);
        Assert.Equal("OK", (await Run("SET", "greeting", "hello")).AsString());
        Assert.Equal("hello", (await Run("GET", "greeting")).AsString());
        Assert.True((await Run("GET", "missing")).IsNull);
        Assert.Equal(1, (await Run("INCR", "counter")).AsInt64());
        Assert.Equal(2, (await Run("INCR", "counter")).AsInt64());
    }

    [Fact]
    public async Task Binary_values_round_trip_unchanged()
    {
        var value = new byte[70_000]; // larger than one read buffer
        new Random(3).NextBytes(value);
        await _client.ExecuteAsync(new RedisCommand("SET").Add("blob").Add(value));
        var reply = await _client.ExecuteAsync(new RedisCommand("GET").Add("blob"));
        Assert.True(reply.Bytes.Span.SequenceEqual(value));
    }

    [Fact]
    public async Task Thousand_concurrent_pipelined_commands_each_get_their_own_reply()
    {
        const int Producers = 4, PerProducer = 250;
        var results = await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var mine = new List<Task<(string Sent, RespValue Reply)>>();
            for (int i = 0; i < PerProducer; i++)
            {
                // Mixed sizes so replies straddle read-buffer boundaries.
                string payload = $"p{p}-i{i}-" + new string('x', (i * 37) % 3000);
                var reply = _client.ExecuteAsync(new RedisCommand("ECHO").Add(payload));
                mine.Add(reply.ContinueWith(t => (payload, t.Result), TaskScheduler.Default));
            }
            return await Task.WhenAll(mine);
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Producers * PerProducer, all.Count);
        Assert.All(all, r => Assert.Equal(r.Sent, r.Reply.AsString()));
    }

    [Fact]
    public async Task Eval_returns_the_script_result()
    {
        var reply = await _client.ExecuteAsync(new RedisCommand("EVAL")
            .Add("redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], redis.call('GET', KEYS[1]), 3}")
            .Add(1).Add("script-key").Add("script-value"));

        Assert.Equal(RespType.Array, reply.Type);
        Assert.Equal(["script-key", "script-value", "3"], reply.Items.Select(i => i.AsString()));
        Assert.Equal(RespType.Integer, reply.Items[2].Type);
    }

    [Fact]
    public async Task Error_reply_is_a_server_exception_and_the_connection_carries_on()
    {
        await Run("RPUSH", "a-list", "x");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Run("GET", "a-list"));
        Assert.Equal("WRONGTYPE", error.ErrorCode);
        Assert.Contains("wrong kind of value", error.Message);

        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => Run("NOSUCHCOMMAND"));
        Assert.Equal("ERR", unknown.ErrorCode);

        Assert.Equal("PONG", (await Run("PING")).AsString());
    }

    [Fact]
    public async Task Timed_out_command_does_not_shift_later_replies()
    {
        await using var impatient = await RedisClient.ConnectAsync(_server.ConnectionString + ",syncTimeout=200");

        var watch = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<RedisTimeoutException>(
            () => impatient.ExecuteAsync(new RedisCommand("DEBUG").Add("SLEEP").Add(6)));
        // The 200 ms timeout must end the wait long before the reply could come (6 s). The margin is wide: the suite
        // starts clusters beside this test on two cores, and a timer fired 2.5 s late once at the start of a run.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"timed out only after {watch.Elapsed}");
        Assert.Contains("DEBUG", timeout.Message);

        // While the server sleeps, probes time out too; once it is awake, each probe must get its own
        // echo back. The late "+OK" of DEBUG SLEEP must have been dropped, not handed to a probe.
        int attempt = 0;
        var (sent, reply) = await WaitFor.SuccessAsync(async () =>
        {
            string probe = $"probe-{Interlocked.Increment(ref attempt)}";
            return (probe, await impatient.ExecuteAsync(new RedisCommand("ECHO").Add(probe)));
        }, TimeSpan.FromSeconds(15), "a probe after DEBUG SLEEP");
        Assert.Equal(sent, reply.AsString());

        var afterwards = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => impatient.ExecuteAsync(new RedisCommand("ECHO").Add($"e{i}"))));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"e{i}"), afterwards.Select(r => r.AsString()));
        Assert.Equal(RedisConnectionState.Connected, impatient.State);
    }

    [Fact]
    public async Task Cancelled_command_fails_with_cancellation_and_later_replies_stay_matched()
    {
        await using var client = await RedisClient.ConnectAsync(_server.ConnectionString);
        using var cancel = new CancellationTokenSource();
        var sleeping = client.ExecuteAsync(new RedisCommand("DEBUG").Add("SLEEP").Add("0.3"), cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleeping);

        var reply = await client.ExecuteAsync(new RedisCommand("ECHO").Add("after-cancel"));
        Assert.Equal("after-cancel", reply.AsString());
    }

    [Fact]
    public async Task Blocking_xread_waits_on_its_own_connection_while_the_pipelined_one_keeps_serving()
    {
        var read = _client.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("BLOCK").Add(10_000).Add("STREAMS").Add("tail").Add("$"),
            TimeSpan.FromSeconds(15));

        // The blocked XREAD must be registered on the server before the entry is added, or "$" would miss it.
        await WaitFor.ConditionAsync(
            async () => (await Run("INFO", "clients")).AsString()!.Contains("blocked_clients:1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "XREAD to block");

        for (int i = 1; i <= 100; i++) Assert.Equal(i, (await Run("INCR", "busy")).AsInt64());
        Assert.False(read.IsCompleted);

        var id = (await Run("XADD", "tail", "*", "field", "value")).AsString();
        var reply = await read.WaitAsync(TimeSpan.FromSeconds(5));

        var stream = reply.Items[0];
        Assert.Equal("tail", stream.Items[0].AsString());
        var entry = stream.Items[1].Items[0];
        Assert.Equal(id, entry.Items[0].AsString());
        Assert.Equal(["field", "value"], entry.Items[1].Items.Select(i => i.AsString()));
    }

    [Fact]
    public async Task Blocking_command_times_out_and_the_next_one_works()
    {
        await Assert.ThrowsAsync<RedisTimeoutException>(() => _client.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("BLOCK").Add(0).Add("STREAMS").Add("quiet").Add("$"),
            TimeSpan.FromMilliseconds(300)));

        await Run("XADD", "quiet", "1-1", "f", "v");
        var reply = await _client.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("BLOCK").Add(1000).Add("STREAMS").Add("quiet").Add("0-0"),
            TimeSpan.FromSeconds(5));
        Assert.Equal("1-1", reply.Items[0].Items[1].Items[0].Items[0].AsString());

        // The abandoned XREAD's connection was closed, not left blocked on the server.
        await WaitFor.ConditionAsync(
            async () => (await Run("INFO", "clients")).AsString()!.Contains("blocked_clients:0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "no client left blocked");
    }

    [Fact]
    public async Task Cancelling_a_blocking_read_ends_it_at_once_and_the_next_one_works()
    {
        using var cancel = new CancellationTokenSource();
        var read = _client.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("BLOCK").Add(0).Add("STREAMS").Add("idle").Add("$"),
            TimeSpan.FromSeconds(30), cancel.Token);
        await WaitFor.ConditionAsync(
            async () => (await Run("INFO", "clients")).AsString()!.Contains("blocked_clients:1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "XREAD to block");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
        await WaitFor.ConditionAsync(
            async () => (await Run("INFO", "clients")).AsString()!.Contains("blocked_clients:0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the cancelled XREAD's connection to close");

        var pong = await _client.ExecuteBlockingAsync(new RedisCommand("PING"), TimeSpan.FromSeconds(5));
        Assert.Equal("PONG", pong.AsString());
    }

    [Fact]
    public async Task Blocking_read_that_times_out_on_the_server_returns_null()
    {
        var reply = await _client.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("BLOCK").Add(50).Add("STREAMS").Add("empty").Add("$"),
            TimeSpan.FromSeconds(5));
        Assert.True(reply.IsNull);
    }

    [Fact]
    public async Task Client_name_is_set_and_dispose_closes_its_sockets()
    {
        var client = await RedisClient.ConnectAsync(_server.ConnectionString + ",name=kv-test");
        Assert.Equal("kv-test", (await client.ExecuteAsync(new RedisCommand("CLIENT").Add("GETNAME"))).AsString());
        await client.ExecuteBlockingAsync(new RedisCommand("PING"), TimeSpan.FromSeconds(5));
        Assert.Contains("name=kv-test.blocking", (await Run("CLIENT", "LIST")).AsString());

        await client.DisposeAsync();

        Assert.Equal(RedisConnectionState.Disposed, client.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExecuteAsync(new RedisCommand("PING")));
        await WaitFor.ConditionAsync(
            async () => !(await Run("CLIENT", "LIST")).AsString()!.Contains("name=kv-test", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the disposed client's connections to close");
    }

    [Fact]
    public async Task Default_database_is_selected()
    {
        await using var db2 = await RedisClient.ConnectAsync(_server.ConnectionString + ",defaultDatabase=2");
        await db2.ExecuteAsync(new RedisCommand("SET").Add("where").Add("db2"));

        Assert.True((await Run("GET", "where")).IsNull); // db 0 does not see it
        Assert.Equal("db2", (await db2.ExecuteAsync(new RedisCommand("GET").Add("where"))).AsString());
        // The blocking connection is in the same database.
        await db2.ExecuteAsync(new RedisCommand("XADD").Add("s2").Add("1-1").Add("f").Add("v"));
        var read = await db2.ExecuteBlockingAsync(
            new RedisCommand("XREAD").Add("COUNT").Add(1).Add("STREAMS").Add("s2").Add("0-0"), TimeSpan.FromSeconds(5));
        Assert.False(read.IsNull);
    }

    [Fact]
    public async Task Selecting_a_database_that_does_not_exist_fails_clearly()
    {
        var error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync(_server.ConnectionString + ",defaultDatabase=999"));
        Assert.Contains("database 999", error.Message);
    }

    [Fact]
    public async Task Text_helpers_see_utf8()
    {
        await _client.ExecuteAsync(new RedisCommand("SET").Add("ключ").Add("значение"));
        var reply = await _client.ExecuteAsync(new RedisCommand("GET").Add(Encoding.UTF8.GetBytes("ключ")));
        Assert.Equal("значение", reply.AsString());
    }
}
