using System.Text;
using StackExchange.Redis;

namespace KvCluster.Bench.Targets;

/// <summary>
/// A bare redis-server through StackExchange.Redis, one multiplexer for every bench connection as its authors mean
/// it to be used: each bench connection has one command in flight, as each KvCluster request has, and the
/// multiplexer pipelines the commands of all of them over its socket. Writes are XADD to one stream (the operation
/// the log's sequencer performs, without the script), reads are GET of keys that prefill SETs.
/// </summary>
public sealed class RedisTarget : IBenchTarget
{
    // Bounded, so a long run of 10 KiB writes cannot fill the machine's memory; '~' lets Redis trim whole nodes cheaply.
    private const int StreamMaxLength = 100_000;

    private static readonly RedisKey StreamKey = "bench:log";
    private static readonly RedisValue ValueField = "v";

    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _database;
    private readonly RedisKey[] _keys;
    private readonly RedisValue _value;

    private RedisTarget(ConnectionMultiplexer redis, KeySpace keys)
    {
        _redis = redis;
        _database = redis.GetDatabase();
        _keys = [.. keys.Keys.Select(key => (RedisKey)Encoding.UTF8.GetBytes("bench:" + key))];
        _value = keys.Value;
    }

    public string Name => "redis";

    /// <summary>Connects to <paramref name="connectionString"/> (StackExchange format, e.g. "127.0.0.1:6379").</summary>
    public static async Task<RedisTarget> ConnectAsync(string connectionString, KeySpace keys, CancellationToken cancellationToken)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(connectionString).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisTarget(redis, keys);
    }

    public async Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken)
    {
        var value = await _database.StringGetAsync(_keys[key]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? OperationResult.Failed("key missing") : OperationResult.Ok;
    }

    public async Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken)
    {
        await _database.StreamAddAsync(StreamKey, ValueField, _value, new StreamAddOptions { MaxLength = StreamMaxLength, Approximate = true })
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return OperationResult.Ok;
    }

    public async Task<OperationResult> PrefillAsync(int connection, int key, CancellationToken cancellationToken)
    {
        await _database.StringSetAsync(_keys[key], _value).WaitAsync(cancellationToken).ConfigureAwait(false);
        return OperationResult.Ok;
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync().ConfigureAwait(false);
}
