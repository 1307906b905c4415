using KvCluster.Log.Checkpoints;
using KvCluster.Log.Entries;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// The log in Redis (docs/architecture.md §2): a stream of entries under <see cref="LogKeys"/>, appended by
/// sequencer.lua, read with non-blocking XREAD after a pub/sub wake-up (<see cref="HeadAnnouncements"/>), with
/// checkpoints beside it (<see cref="RedisCheckpointStore"/>). Every call goes through the process's one
/// multiplexer; Redis being unreachable or refusing is a <see cref="LogUnavailableException"/>.
/// </summary>
public sealed class RedisReplicatedLog : IReplicatedLog
{
    private readonly IDatabase _redis;
    private readonly LogKeys _keys;
    private readonly SequencerScript _sequencer;
    private readonly RedisCheckpointStore _checkpoints;
    private readonly HeadAnnouncements _announcements;

    public RedisReplicatedLog(IConnectionMultiplexer redis, LogKeys keys, RedisLogOptions? options = null)
    {
        options ??= new RedisLogOptions();
        _redis = redis.GetDatabase();
        _keys = keys;
        _sequencer = new SequencerScript(_redis, keys, options.IdempotencyRetention, options.RequestIdRetention);
        _checkpoints = new RedisCheckpointStore(_redis, keys);
        _announcements = new HeadAnnouncements(redis, keys);
    }

    public LogKeys Keys => _keys;

    /// <summary>The checkpoint store itself, for its tuning knobs (chunk size, trim step) in tests.</summary>
    public RedisCheckpointStore Checkpoints => _checkpoints;

    public long AnnouncedHead => _announcements.Head;

    public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests, CancellationToken cancellationToken = default) =>
        _sequencer.AppendRequestsAsync(requests, cancellationToken);

    public async Task<IReadOnlyList<LogEntry>> ReadAfterAsync(long afterSeq, int maxEntries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        var (version, announced) = _announcements.Snapshot();
        // XREAD's position is exclusive: "{afterSeq}-0" returns entries from afterSeq + 1 on.
        var read = await RedisFailures.Guard(_redis.StreamReadAsync(_keys.Log, SeqId(afterSeq), maxEntries), cancellationToken)
            .ConfigureAwait(false);
        var entries = StreamEntryDecoder.Decode(read);
        long end = entries.Count > 0 ? entries[^1].Seq : afterSeq;
        if (entries.Count < maxEntries && end < announced) _announcements.Correct(version, end);
        else _announcements.Observe(end);
        return entries;
    }

    public Task<bool> WaitForEntriesAfterAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (_announcements.Head > afterSeq)
        {
            _ = _announcements.SubscribeAsync(); // so that the next wait, which may park, hears what comes
            return Task.FromResult(true);
        }
        return WaitSubscribedAsync(afterSeq, maxWait, cancellationToken);
    }

    private async Task<bool> WaitSubscribedAsync(long afterSeq, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (!_announcements.Subscribed)
        {
            // An append published before the subscription took effect is never heard: subscribe first, then learn the
            // head as it is now, so this wait starts from the log's head and not from what this process happened to see.
            try
            {
                await _announcements.SubscribeAsync().WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
                _announcements.Observe(await ReadHeadAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is TimeoutException or LogUnavailableException || RedisFailures.IsUnavailable(e))
            {
                return false; // the caller reads anyway, and subscribing is tried again on its next wait
            }
        }
        return await _announcements.WaitForHeadAboveAsync(afterSeq, maxWait, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var head = await RedisFailures.Guard(_redis.StringGetAsync(_keys.Sequence), cancellationToken).ConfigureAwait(false);
        return head.IsNull ? 0 : (long)head;
    }

    public async Task<LogExtent> ReadExtentAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Three commands in one round trip: the multiplexer pipelines them.
            var headTask = _redis.StringGetAsync(_keys.Sequence);
            var firstTask = _redis.StreamRangeAsync(_keys.Log, count: 1);
            var lengthTask = _redis.StreamLengthAsync(_keys.Log);
            await Task.WhenAll(headTask, firstTask, lengthTask).WaitAsync(cancellationToken).ConfigureAwait(false);
            long head = headTask.Result.IsNull ? 0 : (long)headTask.Result;
            var first = firstTask.Result;
            long firstSeq = first.Length == 0 ? head + 1 : StreamEntryDecoder.ParseSeq(first[0].Id);
            return new LogExtent(head, firstSeq, lengthTask.Result);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    public Task<CheckpointManifest?> ReadCheckpointAsync(CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_checkpoints.ReadManifestAsync(cancellationToken), cancellationToken);

    public Task<CheckpointManifest> WriteCheckpointAsync(long seq, string chainHash, Stream snapshot, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_checkpoints.WriteAsync(seq, chainHash, snapshot, cancellationToken), cancellationToken);

    public Task CopyCheckpointToAsync(CheckpointManifest manifest, Stream destination, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_checkpoints.CopyToAsync(manifest, destination, cancellationToken), cancellationToken);

    public Task<LogTrimResult> TrimAsync(long keepFromSeq, CancellationToken cancellationToken = default) =>
        RedisFailures.Guard(_checkpoints.TrimLogAsync(keepFromSeq, cancellationToken), cancellationToken);

    private static RedisValue SeqId(long seq) => seq.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-0";
}
