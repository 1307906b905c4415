using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>
/// One socket to Redis, pipelined: callers queue commands, a single write loop sends them (flushing once per
/// batch, not per command), and a read loop matches replies to commands in FIFO order. When anything breaks
/// the connection closes for good and fails every waiting command; reconnecting is the owner's job.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    // Flush at least this often while a burst of commands is being written, so memory stays bounded.
    private const int MaxUnflushedBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<PendingReply> _outbox = Channel.CreateUnbounded<PendingReply>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    // Sent commands, oldest first. Guarded by _lock, which also guards _isClosed.
    private readonly Queue<PendingReply> _awaitingReply = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Timer _timeoutTimer;
    private readonly long _writeStallLimitMilliseconds;
    private readonly Task _readLoop;
    private readonly Task _writeLoop;
    private bool _isClosed;
    private Exception? _closeReason;
    private long _flushStartedAt; // Environment.TickCount64 when the current flush began; 0 when none is running

    private RedisConnection(Stream stream, RedisEndpoint endPoint, TimeSpan timeoutCheckInterval, TimeSpan writeStallLimit)
    {
        _stream = stream;
        EndPoint = endPoint;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        _writeStallLimitMilliseconds = (long)writeStallLimit.TotalMilliseconds;
        _timeoutTimer = new Timer(static state => ((RedisConnection)state!).CheckTimeouts(), this, timeoutCheckInterval, timeoutCheckInterval);
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public RedisEndpoint EndPoint { get; }

    public bool IsOpen => !Volatile.Read(ref _isClosed);

    /// <summary>Completes, with the reason, once the connection has closed.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>
    /// Opens the socket (and TLS), then authenticates, selects the database and names the client.
    /// Throws <see cref="RedisConnectionException"/> when any of that fails.
    /// </summary>
    /// <param name="timeoutCheckInterval">How often overdue commands are looked for.</param>
    public static async Task<RedisConnection> ConnectAsync(
        RedisConnectionOptions options, TimeSpan timeoutCheckInterval, CancellationToken cancellationToken)
    {
        var stream = await RedisTransport.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var connection = new RedisConnection(stream, options.EndPoint, timeoutCheckInterval, writeStallLimit: options.SyncTimeout);
        try
        {
            await RedisHandshake.RunAsync(connection, options, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Queues a command; the task completes with its reply, or fails (never hangs past the timeout).</summary>
    public Task<RespValue> ExecuteAsync(RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<RespValue>(cancellationToken);

        int timeoutMilliseconds = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
        var pending = new PendingReply(command, Environment.TickCount64 + timeoutMilliseconds, timeoutMilliseconds);
        if (cancellationToken.CanBeCanceled) pending.CancelWith(cancellationToken);
        if (!_outbox.Writer.TryWrite(pending)) pending.Fail(ClosedError(Volatile.Read(ref _closeReason)));
        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        Close(new RedisConnectionException($"The connection to Redis at {EndPoint} was closed by this client."));
        await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _timeoutTimer.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var outbox = _outbox.Reader;
        Exception? failure = null;
        try
        {
            while (await outbox.WaitToReadAsync().ConfigureAwait(false))
            {
                while (outbox.TryRead(out var pending))
                {
                    // Abandoned before it was sent: not sending it keeps the FIFO exact.
                    if (pending.IsAbandoned) continue;
                    bool accepted;
                    lock (_lock)
                    {
                        accepted = !_isClosed;
                        if (accepted) _awaitingReply.Enqueue(pending);
                    }
                    if (!accepted)
                    {
                        pending.Fail(ClosedError(_closeReason));
                        continue;
                    }
                    RespWriter.WriteCommand(_output, pending.Command);
                    if (_output.UnflushedBytes >= MaxUnflushedBytes) await FlushAsync().ConfigureAwait(false);
                }
                if (_output.UnflushedBytes > 0) await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        Close(failure ?? new RedisConnectionException($"The connection to Redis at {EndPoint} is closed."));
        // Whatever is still queued was never sent.
        while (outbox.TryRead(out var unsent)) unsent.Fail(ClosedError(_closeReason));
        try
        {
            await _output.CompleteAsync(failure ?? new OperationCanceledException()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The stream is gone already; nothing to flush into.
        }
    }

    private async ValueTask FlushAsync()
    {
        Volatile.Write(ref _flushStartedAt, Environment.TickCount64);
        await _output.FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _flushStartedAt, 0);
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryCompleteOne(ref buffer)) { }
                // Consumed up to the last whole reply; everything was examined, so wait for more bytes.
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    failure = new RedisConnectionException($"Redis at {EndPoint} closed the connection.");
                    break;
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        Close(failure);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Parses the next reply and hands it to the oldest waiting command. False: need more bytes.</summary>
    private bool TryCompleteOne(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty) return false;

        PendingReply? oldest;
        lock (_lock) _awaitingReply.TryPeek(out oldest);

        RespValue reply = default;
        SequencePosition end;
        if (oldest is { IsAbandoned: true })
        {
            // Its caller gave up (timeout); the reply still has to be consumed to keep the order.
            if (!RespReader.TrySkip(buffer, out end)) return false;
        }
        else if (!RespReader.TryRead(buffer, out reply, out end))
        {
            return false;
        }

        if (oldest is null)
        {
            // Redis speaks first only to refuse us (e.g. "-ERR max number of clients reached").
            throw new RedisConnectionException($"Redis at {EndPoint} sent a reply no command asked for: {reply}");
        }

        lock (_lock) _awaitingReply.Dequeue();
        oldest.SetReply(reply);
        buffer = buffer.Slice(end);
        return true;
    }

    private void CheckTimeouts()
    {
        long now = Environment.TickCount64;
        lock (_lock)
        {
            if (_isClosed) return;
            // Commands were queued in deadline order, so the overdue ones are at the front.
            foreach (var pending in _awaitingReply)
            {
                if (pending.IsAbandoned) continue;
                if (pending.Deadline > now) break;
                // It stays queued: its reply, when it comes, is read and dropped.
                pending.Fail(new RedisTimeoutException(
                    $"Redis at {EndPoint} did not answer {pending.Command} within {pending.TimeoutMilliseconds} ms " +
                    $"({_awaitingReply.Count} commands awaiting replies on this connection)."));
            }
        }

        long flushStartedAt = Volatile.Read(ref _flushStartedAt);
        if (flushStartedAt != 0 && now - flushStartedAt > _writeStallLimitMilliseconds)
        {
            Close(new RedisConnectionException(
                $"Redis at {EndPoint} has not accepted written data for {_writeStallLimitMilliseconds} ms; closing the connection."));
        }
    }

    /// <summary>Closes once: stops both loops (by closing the stream) and fails every command still waiting.</summary>
    private void Close(Exception? reason)
    {
        reason ??= new RedisConnectionException($"The connection to Redis at {EndPoint} is closed.");
        PendingReply[] waiting;
        lock (_lock)
        {
            if (_isClosed) return;
            _closeReason = reason;
            Volatile.Write(ref _isClosed, true);
            waiting = _awaitingReply.ToArray();
            _awaitingReply.Clear();
        }

        _outbox.Writer.TryComplete();
        _timeoutTimer.Change(Timeout.Infinite, Timeout.Infinite);
        try
        {
            _stream.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closing a broken socket may complain; it is closed either way.
        }

        _closed.TrySetResult(reason);
        foreach (var pending in waiting) pending.Fail(ClosedError(reason));
    }

    private RedisConnectionException ClosedError(Exception? reason) => reason switch
    {
        RedisConnectionException closed => new RedisConnectionException(closed.Message, closed.InnerException),
        null => new RedisConnectionException($"The connection to Redis at {EndPoint} is closed."),
        _ => new RedisConnectionException($"The connection to Redis at {EndPoint} was lost: {reason.Message}", reason),
    };
}
