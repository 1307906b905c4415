using System.Security.Cryptography;
using System.Text;
using KvCluster.RedisLog.Client;

namespace KvCluster.RedisLog.Log;

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

    /// <summary>Appends the commands in order; returns where each one landed.</summary>
    public async Task<AppendOutcome[]> AppendAsync(IReadOnlyList<AppendCommand> commands, CancellationToken cancellationToken = default)
    {
        if (commands.Count == 0) return [];
        Resp.RespValue reply;
        try
        {
            reply = await _redis.ExecuteAsync(Build("EVALSHA", Sha, commands), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.ErrorCode == "NOSCRIPT")
        {
            // First call on this Redis (or after a restart): EVAL sends the body and caches it.
            reply = await _redis.ExecuteAsync(Build("EVAL", Source, commands), cancellationToken).ConfigureAwait(false);
        }

        var items = reply.Items;
        if (items.Count != commands.Count * 2)
        {
            throw new LogFormatException($"The sequencer returned {items.Count} values for {commands.Count} commands.");
        }
        var outcomes = new AppendOutcome[commands.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = new AppendOutcome(items[2 * i].AsInt64(), items[2 * i + 1].AsInt64() == 1);
        }
        return outcomes;
    }

    private RedisCommand Build(string verb, byte[] script, IReadOnlyList<AppendCommand> commands)
    {
        var command = new RedisCommand(verb, 7 + commands.Count * 3)
            .Add(script).Add(3).Add(_keys.Sequence).Add(_keys.Log).Add(_keys.Chain)
            .Add(_keys.Prefix).Add(_idempotencyTtlSeconds).Add(_requestIdTtlSeconds);
        foreach (var c in commands)
        {
            // Commands from the wire carry their bytes already: passed through, not encoded again.
            command.Add(c.Encoded.IsEmpty ? EntryBlob.Encode(c) : c.Encoded).Add(c.IdempotencyKey).Add(c.RequestId);
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
