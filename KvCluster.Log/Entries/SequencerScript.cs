using System.Security.Cryptography;
using System.Text;
using KvCluster.Log.Client;

namespace KvCluster.Log.Entries;

/// <summary>
/// Appends batches of commands to the log through sequencer.lua: one INCR-and-XADD script call per batch,
/// so Redis serialises every coordinator's appends and the sequence stays dense.
/// </summary>
public sealed class SequencerScript
{
    private static readonly byte[] Source = LoadSource();
    private static readonly byte[] Sha = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA1.HashData(Source)));

    private readonly IRedisClient _redis;
    private readonly LogKeys _keys;
    private readonly byte[] _idempotencyTtlSeconds;
    private readonly byte[] _requestIdTtlSeconds;

    public SequencerScript(IRedisClient redis, LogKeys keys, TimeSpan idempotencyRetention, TimeSpan requestIdRetention)
    {
        _redis = redis;
        _keys = keys;
        _idempotencyTtlSeconds = Encoding.ASCII.GetBytes(((long)Math.Max(1, idempotencyRetention.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _requestIdTtlSeconds = Encoding.ASCII.GetBytes(((long)Math.Max(1, requestIdRetention.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The script text, for documentation and tests.</summary>
    public static string Text => Encoding.UTF8.GetString(Source);

    /// <summary>Appends the commands in order, as one request; returns where each one landed.</summary>
    public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<AppendCommand> commands, CancellationToken cancellationToken = default) =>
        AppendRequestsAsync([commands], cancellationToken);

    /// <summary>
    /// Appends several append requests (each one node's batch) in one script call, in order; returns where each
    /// command landed, in the same order. A request is known by its first command's request id: one whose id was
    /// sequenced before (a retry) is answered with the sequence numbers it got then and appends nothing.
    /// </summary>
    public async Task<AppendOutcome[]> AppendRequestsAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests,
        CancellationToken cancellationToken = default)
    {
        int commandCount = 0;
        foreach (var request in requests) commandCount += request.Count;
        if (commandCount == 0) return [];
        Resp.RespValue reply;
        try
        {
            reply = await _redis.ExecuteAsync(Build("EVALSHA", Sha, requests, commandCount), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.ErrorCode == "NOSCRIPT")
        {
            // First call on this Redis (or after a restart): EVAL sends the body and caches it.
            reply = await _redis.ExecuteAsync(Build("EVAL", Source, requests, commandCount), cancellationToken).ConfigureAwait(false);
        }

        var items = reply.Items;
        if (items.Count != commandCount * 2)
        {
            throw new LogFormatException($"The sequencer returned {items.Count} values for {commandCount} commands.");
        }
        var outcomes = new AppendOutcome[commandCount];
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = new AppendOutcome(items[2 * i].AsInt64(), items[2 * i + 1].AsInt64() == 1);
        }
        return outcomes;
    }

    private RedisCommand Build(string verb, byte[] script, IReadOnlyList<IReadOnlyList<AppendCommand>> requests, int commandCount)
    {
        var command = new RedisCommand(verb, 8 + requests.Count * 2 + commandCount * 3)
            .Add(script).Add(3).Add(_keys.Sequence).Add(_keys.Log).Add(_keys.Chain)
            .Add(_keys.Prefix).Add(_idempotencyTtlSeconds).Add(_requestIdTtlSeconds);
        // The digests are hashed here, not in the script: Redis runs scripts on its one thread (sequencer.lua).
        var digests = new byte[commandCount * ChainHash.CommandDigestLength].AsMemory();
        foreach (var request in requests)
        {
            if (request.Count == 0) continue;
            command.Add(request[0].RequestId).Add(request.Count);
            foreach (var c in request)
            {
                // Commands from the wire carry their bytes already: passed through, not encoded again.
                var bytes = c.Encoded.IsEmpty ? EntryBlob.Encode(c) : c.Encoded;
                var digest = digests[..ChainHash.CommandDigestLength];
                digests = digests[ChainHash.CommandDigestLength..];
                ChainHash.WriteCommandDigest(bytes.Span, digest.Span);
                command.Add(bytes).Add(c.IdempotencyKey).Add(digest);
            }
        }
        return command;
    }

    private static byte[] LoadSource()
    {
        var assembly = typeof(SequencerScript).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("sequencer.lua", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
