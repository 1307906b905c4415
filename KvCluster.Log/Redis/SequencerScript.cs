using System.Globalization;
using KvCluster.Log.Entries;
using StackExchange.Redis;

namespace KvCluster.Log.Redis;

/// <summary>
/// Appends batches of commands to the log through sequencer.lua: one INCR-and-XADD script call per batch, so Redis
/// serialises every coordinator's appends and the sequence stays dense. StackExchange.Redis sends the script by its
/// SHA and loads it again when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
/// </summary>
public sealed class SequencerScript
{
    private static readonly string Source = LoadSource();

    private readonly IDatabase _redis;
    private readonly RedisKey[] _keys;
    private readonly RedisValue _prefix;
    private readonly RedisValue _idempotencyTtlSeconds;
    private readonly RedisValue _requestIdTtlSeconds;
    private readonly RedisValue _headChannel;

    public SequencerScript(IDatabase redis, LogKeys keys, TimeSpan idempotencyRetention, TimeSpan requestIdRetention)
    {
        _redis = redis;
        _keys = [keys.Sequence, keys.Log, keys.Chain];
        _prefix = keys.Prefix;
        _idempotencyTtlSeconds = ((long)Math.Max(1, idempotencyRetention.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        _requestIdTtlSeconds = ((long)Math.Max(1, requestIdRetention.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        _headChannel = keys.HeadChannel;
    }

    /// <summary>The script text, for documentation and tests.</summary>
    public static string Text => Source;

    /// <summary>See <see cref="IReplicatedLog.AppendAsync"/>.</summary>
    public async Task<AppendOutcome[]> AppendRequestsAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests,
        CancellationToken cancellationToken = default)
    {
        int commandCount = 0;
        foreach (var request in requests) commandCount += request.Count;
        if (commandCount == 0) return [];
        RedisResult reply;
        try
        {
            reply = await _redis.ScriptEvaluateAsync(Source, _keys, Arguments(requests, commandCount)).WaitAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e))
        {
            throw RedisFailures.Unavailable(e);
        }

        var items = (RedisResult[]?)reply ?? [];
        if (items.Length != commandCount * 2)
        {
            throw new LogFormatException($"The sequencer returned {items.Length} values for {commandCount} commands.");
        }
        var outcomes = new AppendOutcome[commandCount];
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = new AppendOutcome((long)items[2 * i], (long)items[2 * i + 1] == 1);
        }
        return outcomes;
    }

    private RedisValue[] Arguments(IReadOnlyList<IReadOnlyList<AppendCommand>> requests, int commandCount)
    {
        var arguments = new RedisValue[4 + requests.Count * 2 + commandCount * 3];
        arguments[0] = _prefix;
        arguments[1] = _idempotencyTtlSeconds;
        arguments[2] = _requestIdTtlSeconds;
        arguments[3] = _headChannel;
        int at = 4;
        // The digests are hashed here, not in the script: Redis runs scripts on its one thread (sequencer.lua).
        var digests = new byte[commandCount * ChainHash.CommandDigestLength].AsMemory();
        foreach (var request in requests)
        {
            if (request.Count == 0) continue;
            arguments[at++] = request[0].RequestId;
            arguments[at++] = request.Count;
            foreach (var c in request)
            {
                // Commands from the wire carry their bytes already: passed through, not encoded again.
                var bytes = c.Encoded.IsEmpty ? EntryBlob.Encode(c) : c.Encoded;
                var digest = digests[..ChainHash.CommandDigestLength];
                digests = digests[ChainHash.CommandDigestLength..];
                ChainHash.WriteCommandDigest(bytes.Span, digest.Span);
                arguments[at++] = bytes;
                arguments[at++] = c.IdempotencyKey;
                arguments[at++] = digest;
            }
        }
        return at == arguments.Length ? arguments : arguments[..at];
    }

    private static string LoadSource()
    {
        var assembly = typeof(SequencerScript).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("sequencer.lua", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
