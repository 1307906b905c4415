using System.Text;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>
/// A command that was (or is about to be) sent and the caller waiting for its reply.
/// Completions never run the caller's continuation on the read loop.
/// </summary>
internal sealed class PendingReply : TaskCompletionSource<RespValue>
{
    private CancellationTokenRegistration _cancellation;

    public PendingReply(RedisCommand command, long deadline, int timeoutMilliseconds)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Command = command;
        Deadline = deadline;
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    public RedisCommand Command { get; }

    /// <summary>When the reply is overdue, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline { get; }

    public int TimeoutMilliseconds { get; }

    /// <summary>The caller stopped waiting (timeout, cancellation) or it already has its answer.</summary>
    public bool IsAbandoned => Task.IsCompleted;

    public void CancelWith(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((PendingReply)state!).TrySetCanceled(token),
            this);
    }

    /// <summary>An error reply becomes a <see cref="RedisServerException"/>; anything else is the result.</summary>
    public void SetReply(in RespValue reply)
    {
        if (reply.Type == RespType.Error)
        {
            Fail(new RedisServerException(Encoding.UTF8.GetString(reply.Bytes.Span)));
            return;
        }
        TrySetResult(reply);
        _cancellation.Unregister();
    }

    public void Fail(Exception exception)
    {
        TrySetException(exception);
        _cancellation.Unregister();
    }
}
