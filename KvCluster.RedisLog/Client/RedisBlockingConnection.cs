using KvCluster.RedisLog.Resp;

namespace KvCluster.RedisLog.Client;

/// <summary>
/// The dedicated connection for blocking commands (XREAD BLOCK): one command at a time, opened on first use.
/// After a timeout or cancellation Redis may still be blocked on the old command, so that connection is
/// dropped and the next call opens a fresh one.
/// </summary>
internal sealed class RedisBlockingConnection : IAsyncDisposable
{
    private static readonly TimeSpan TimeoutCheckInterval = TimeSpan.FromMilliseconds(50);

    private readonly RedisConnectionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private RedisConnection? _connection;

    public RedisBlockingConnection(RedisConnectionOptions options)
    {
        _options = options.ClientName is null ? options : options with { ClientName = options.ClientName + ".blocking" };
    }

    public async Task<RespValue> ExecuteAsync(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
            var connection = _connection;
            if (connection is null || !connection.IsOpen)
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
                _connection = connection = await RedisConnection.ConnectAsync(_options, TimeoutCheckInterval, linked.Token).ConfigureAwait(false);
            }

            try
            {
                return await connection.ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisTimeoutException or RedisConnectionException or OperationCanceledException)
            {
                _connection = null;
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(RedisClient));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        _disposing.Cancel();
        // Closing the socket ends a command blocked on it at once.
        var connection = _connection;
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        // Wait for a call in flight to finish, so nothing is left running.
        await _gate.WaitAsync().ConfigureAwait(false);
        connection = _connection;
        _connection = null;
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        // Let any late caller through to find the disposed state instead of waiting forever.
        _gate.Release();
    }
}
