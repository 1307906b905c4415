using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>
/// KvCluster's Redis client: one multiplexed, pipelined connection for ordinary commands and a dedicated one
/// for blocking reads. When the shared connection breaks, every waiting command fails, new commands fail fast,
/// and it reconnects in the background with exponential backoff.
/// </summary>
public sealed class RedisClient : IRedisClient
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly RedisBlockingConnection _blocking;
    private readonly TimeSpan _timeoutCheckInterval;
    private RedisConnection? _connection; // the live connection, or null while (re)connecting
    private RedisConnectionState _state = RedisConnectionState.Connecting;
    private Exception? _lastError;
    private long _reconnects;
    private Task _supervisor = Task.CompletedTask;

    private RedisClient(RedisConnectionOptions options)
    {
        Options = options;
        _blocking = new RedisBlockingConnection(options);
        // Overdue commands are noticed within a tenth of the timeout.
        _timeoutCheckInterval = TimeSpan.FromMilliseconds(Math.Clamp(options.SyncTimeout.TotalMilliseconds / 10, 10, 1000));
    }

    public RedisConnectionOptions Options { get; }

    public RedisConnectionState State
    {
        get
        {
            lock (_lock)
            {
                // The connection may have just died without the supervisor having noticed yet.
                return _state == RedisConnectionState.Connected && _connection is { IsOpen: false }
                    ? RedisConnectionState.Reconnecting
                    : _state;
            }
        }
    }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Why the last connection attempt failed or the last connection was lost; null if never.</summary>
    public Exception? LastError { get { lock (_lock) return _lastError; } }

    /// <summary>Raised (on a pool thread) when the shared connection is lost or established again.</summary>
    public event Action<RedisConnectionState, Exception?>? StateChanged;

    public static Task<RedisClient> ConnectAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ConnectAsync(RedisConnectionOptions.Parse(connectionString), cancellationToken);

    /// <summary>
    /// Connects and runs the handshake. Throws <see cref="RedisConnectionException"/> when Redis cannot be reached,
    /// unless <see cref="RedisConnectionOptions.AbortConnect"/> is false: then the client is returned and keeps
    /// trying in the background. Rejected credentials always throw.
    /// </summary>
    public static async Task<RedisClient> ConnectAsync(RedisConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = options.EndPoint; // fail now, not in the background, when there is none
        var client = new RedisClient(options);
        RedisConnection? connection = null;
        try
        {
            connection = await RedisConnection.ConnectAsync(options, client._timeoutCheckInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException e) when (!options.AbortConnect && e.InnerException is not RedisServerException)
        {
            client._lastError = e;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (client._lock)
        {
            client._connection = connection;
            client._state = connection is null ? RedisConnectionState.Connecting : RedisConnectionState.Connected;
        }
        client._supervisor = Task.Run(() => client.SuperviseAsync(connection));
        return client;
    }

    public Task<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null || !connection.IsOpen) return Task.FromException<RespValue>(NotConnected());
        if (RedisCommandTelemetry.IsEnabled) return RedisCommandTelemetry.ExecuteAsync(connection, command, Options.SyncTimeout, cancellationToken);
        return connection.ExecuteAsync(command, Options.SyncTimeout, cancellationToken);
    }

    public RespValue ExecuteBlocking(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        return _blocking.Execute(command, timeout, cancellationToken);
    }

    public Task<RespValue> ExecuteBlockingAsync(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_disposing.IsCancellationRequested) return Task.FromException<RespValue>(new ObjectDisposedException(nameof(RedisClient)));
        // A thread of its own: a blocked read must not hold a thread-pool thread.
        return Task.Factory.StartNew(() => ExecuteBlocking(command, timeout, cancellationToken), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        RedisConnection? connection;
        lock (_lock)
        {
            if (_state == RedisConnectionState.Disposed) return;
            _state = RedisConnectionState.Disposed;
            connection = _connection;
            _connection = null;
        }
        _disposing.Cancel();
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _blocking.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    /// <summary>Watches the live connection; when it closes, reconnects. Ends when the client is disposed.</summary>
    private async Task SuperviseAsync(RedisConnection? connection)
    {
        var stopping = _disposing.Token;
        bool everConnected = connection is not null;
        while (!stopping.IsCancellationRequested)
        {
            if (connection is not null)
            {
                Exception reason;
                try
                {
                    reason = await connection.Closed.WaitAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // disposed: DisposeAsync closes the connection
                }
                lock (_lock)
                {
                    if (_state == RedisConnectionState.Disposed) return;
                    _connection = null;
                    _state = RedisConnectionState.Reconnecting;
                    _lastError = reason;
                }
                await connection.DisposeAsync().ConfigureAwait(false);
                RaiseStateChanged(RedisConnectionState.Reconnecting, reason);
            }

            connection = await ReconnectAsync(stopping).ConfigureAwait(false);
            if (connection is null) return;
            bool reconnected;
            lock (_lock)
            {
                if (_state == RedisConnectionState.Disposed)
                {
                    // Disposed while the handshake ran: this connection is nobody's.
                    _ = connection.DisposeAsync().AsTask();
                    return;
                }
                reconnected = everConnected;
                if (reconnected) _reconnects++;
                everConnected = true;
                _connection = connection;
                _state = RedisConnectionState.Connected;
            }
            if (reconnected) RedisClientMetrics.Reconnects.Add(1, new KeyValuePair<string, object?>("server.address", Options.EndPoint.Host));
            RaiseStateChanged(RedisConnectionState.Connected, null);
        }
    }

    /// <summary>Tries until connected (returns the connection) or disposed (returns null).</summary>
    private async Task<RedisConnection?> ReconnectAsync(CancellationToken stopping)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await Task.Delay(Backoff(attempt), stopping).ConfigureAwait(false);
                return await RedisConnection.ConnectAsync(Options, _timeoutCheckInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                lock (_lock) _lastError = e;
            }
        }
    }

    /// <summary>Min delay doubling per attempt up to the max, ±25% so many clients do not retry in lockstep.</summary>
    private TimeSpan Backoff(int attempt)
    {
        double baseMs = Options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        double capped = Math.Min(baseMs, Options.ReconnectMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + Random.Shared.NextDouble() * 0.5));
    }

    private Exception NotConnected()
    {
        lock (_lock)
        {
            if (_state == RedisConnectionState.Disposed) return new ObjectDisposedException(nameof(RedisClient));
            string last = _lastError is null ? "" : $" Last error: {_lastError.Message}";
            return new RedisConnectionException($"Not connected to Redis at {Options.EndPoint} ({_state}).{last}", _lastError);
        }
    }

    private void RaiseStateChanged(RedisConnectionState state, Exception? error)
    {
        try
        {
            StateChanged?.Invoke(state, error);
        }
        catch (Exception)
        {
            // A subscriber's bug must not stop reconnecting.
        }
    }
}
