using System.Text;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;

namespace KvCluster.Bench.Targets;

/// <summary>
/// A bare redis-server through KvCluster's own client, one client (connection) per bench connection, so each
/// has one command in flight, as each KvCluster request has: writes are XADD to one stream (the operation the
/// log's sequencer performs, without the script), reads are GET of keys that prefill SETs.
/// </summary>
public sealed class RedisTarget : IBenchTarget
{
    // Bounded, so a long run of 10 KiB writes cannot fill the machine's memory; '~' lets Redis trim whole nodes cheaply.
    private const int StreamMaxLength = 100_000;

    private static readonly byte[] Xadd = "XADD"u8.ToArray();
    private static readonly byte[] Get = "GET"u8.ToArray();
    private static readonly byte[] Set = "SET"u8.ToArray();
    private static readonly byte[] StreamKey = "bench:log"u8.ToArray();
    private static readonly byte[] MaxLen = "MAXLEN"u8.ToArray();
    private static readonly byte[] Approximately = "~"u8.ToArray();
    private static readonly byte[] MaxLength = Encoding.ASCII.GetBytes(StreamMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static readonly byte[] AutoId = "*"u8.ToArray();
    private static readonly byte[] ValueField = "v"u8.ToArray();

    private readonly RedisClient[] _clients;
    private readonly byte[][] _keys;
    private readonly ReadOnlyMemory<byte> _value;

    private RedisTarget(RedisClient[] clients, KeySpace keys)
    {
        _clients = clients;
        _keys = [.. keys.Keys.Select(key => Encoding.UTF8.GetBytes("bench:" + key))];
        _value = keys.Value;
    }

    public string Name => "redis";

    /// <summary>Opens <paramref name="connections"/> clients to <paramref name="connectionString"/> (StackExchange format, e.g. "127.0.0.1:6379").</summary>
    public static async Task<RedisTarget> ConnectAsync(string connectionString, KeySpace keys, int connections, CancellationToken cancellationToken)
    {
        var clients = new List<RedisClient>(connections);
        try
        {
            for (int i = 0; i < connections; i++) clients.Add(await RedisClient.ConnectAsync(connectionString, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            foreach (var client in clients) await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new RedisTarget([.. clients], keys);
    }

    public async Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken)
    {
        var reply = await _clients[connection].ExecuteAsync(new RedisCommand(Get, 1).Add(_keys[key]), cancellationToken).ConfigureAwait(false);
        return reply.Type == RespType.BulkString ? OperationResult.Ok : OperationResult.Failed("key missing");
    }

    public async Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken)
    {
        var command = new RedisCommand(Xadd, 6).Add(StreamKey).Add(MaxLen).Add(Approximately).Add(MaxLength).Add(AutoId).Add(ValueField).Add(_value);
        await _clients[connection].ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        return OperationResult.Ok;
    }

    public async Task<OperationResult> PrefillAsync(int connection, int key, CancellationToken cancellationToken)
    {
        await _clients[connection].ExecuteAsync(new RedisCommand(Set, 2).Add(_keys[key]).Add(_value), cancellationToken).ConfigureAwait(false);
        return OperationResult.Ok;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync().ConfigureAwait(false);
    }
}
