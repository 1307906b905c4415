using System.Globalization;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// The heads the sequencer announces on <see cref="LogKeys.HeadChannel"/> (sequencer.lua publishes after each append),
/// and the tailers waiting for them. StackExchange.Redis runs no blocking command on its shared connection (its
/// docs, PipelinesMultiplexers), so a node does not park an XREAD BLOCK in Redis: it waits here and then reads with a
/// plain XREAD. Announcements coalesce: a waiter wakes once for any number of them. Pub/sub delivers at most once
/// (a message sent while the subscription reconnects is lost), so waits are bounded and the caller reads anyway.
/// </summary>
internal sealed class HeadAnnouncements
{
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly object _gate = new();
    private TaskCompletionSource _next = NewSignal();
    private long _announcedHead;
    private long _version;
    private Task? _subscribed;

    public HeadAnnouncements(IConnectionMultiplexer redis, LogKeys keys)
    {
        _subscriber = redis.GetSubscriber();
        _channel = RedisChannel.Literal(keys.HeadChannel);
    }

    public long Head => Volatile.Read(ref _announcedHead);

    /// <summary>Whether announcements reach this process (subscribed at least once; the client resubscribes by itself).</summary>
    public bool Subscribed => _subscribed is { IsCompletedSuccessfully: true };

    /// <summary>Subscribes when not yet; completes once announcements reach this process.</summary>
    public Task SubscribeAsync()
    {
        EnsureSubscribed();
        // A reference is read whole; the lock only orders who starts subscribing, and a tailer passing here on every
        // batch (WaitForEntriesAfterAsync's fast path) need not take it.
        return Volatile.Read(ref _subscribed)!;
    }

    /// <summary>True as soon as a head above <paramref name="afterSeq"/> is announced; false after <paramref name="maxWait"/>.</summary>
    public async Task<bool> WaitForHeadAboveAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        EnsureSubscribed();
        Task signal;
        lock (_gate)
        {
            if (_announcedHead > afterSeq) return true;
            signal = _next.Task;
        }
        try
        {
            await signal.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        return Head > afterSeq;
    }

    // Subscribed on first use, so a process that only appends (the coordinator) receives nothing.
    private void EnsureSubscribed()
    {
        if (Volatile.Read(ref _subscribed) is { IsCompletedSuccessfully: true }) return;
        lock (_gate)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                // StackExchange.Redis subscribes again by itself after a reconnect; a failed first attempt is retried
                // on the next wait, which the caller's bounded wait paces.
                _subscribed = _subscriber.SubscribeAsync(_channel, (_, message) => Announce(message));
                _subscribed.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            }
        }
    }

    /// <summary>A head seen some other way (an append's answer, a read): wakes waiters the same way.</summary>
    public void Observe(long head)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            if (head <= _announcedHead) return;
            _announcedHead = head;
            _version++;
            woken = _next;
            _next = NewSignal();
        }
        woken.TrySetResult();
    }

    /// <summary>The head known now and a version that changes with every new one: taken before a read.</summary>
    public (long Version, long Head) Snapshot()
    {
        lock (_gate) return (_version, _announcedHead);
    }

    /// <summary>
    /// A read that began after <paramref name="version"/> found the log ending at <paramref name="end"/>, below the head
    /// announced then: that head belonged to a history Redis has since lost (a restart that dropped writes, a failover),
    /// and waiting for "a head above" it would return at once, again and again. Lowered only when nothing was announced
    /// since the read began, since a newer announcement may well be above what that read saw.
    /// </summary>
    public void Correct(long version, long end)
    {
        lock (_gate)
        {
            if (_version == version && end < _announcedHead) _announcedHead = end;
        }
    }

    private void Announce(RedisValue message)
    {
        if (long.TryParse(message.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long head)) Observe(head);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
