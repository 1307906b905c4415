using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>
/// The narrow seam between KvCluster and Redis: everything above it speaks only this,
/// so the hand-written client could be swapped for StackExchange.Redis later.
/// </summary>
public interface IRedisClient : IAsyncDisposable
{
    /// <summary>
    /// Sends one command on the shared, pipelined connection and returns its reply.
    /// Throws <see cref="RedisServerException"/> for an error reply,
    /// <see cref="RedisTimeoutException"/> when no reply arrives within the command timeout,
    /// <see cref="RedisConnectionException"/> when Redis cannot be reached (fails fast while reconnecting).
    /// </summary>
    Task<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a blocking command (XREAD BLOCK ...) on a dedicated connection, so it never
    /// holds up the pipelined one. <paramref name="timeout"/> bounds the wait for the reply
    /// and must exceed the command's own BLOCK time.
    /// </summary>
    Task<RespValue> ExecuteBlockingAsync(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ExecuteBlockingAsync"/> on the calling thread, which blocks until the reply: for a loop that has
    /// a thread of its own (the log tailer), where it saves the socket-engine and thread-pool hops of every reply.
    /// </summary>
    RespValue ExecuteBlocking(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>State of the shared connection.</summary>
    RedisConnectionState State { get; }

    /// <summary>How many times a connection was re-established after being lost.</summary>
    long Reconnects { get; }
}
