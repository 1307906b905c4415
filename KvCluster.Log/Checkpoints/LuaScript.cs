using System.Security.Cryptography;
using System.Text;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Checkpoints;

/// <summary>A Lua script run by EVALSHA, sent whole with EVAL only when Redis does not have it cached yet.</summary>
internal sealed class LuaScript
{
    private readonly byte[] _source;
    private readonly byte[] _sha;

    public LuaScript(string source)
    {
        _source = Encoding.UTF8.GetBytes(source);
        _sha = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA1.HashData(_source)));
    }

    public async Task<RespValue> RunAsync(
        IRedisClient redis, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.ExecuteAsync(Build("EVALSHA", _sha, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.ErrorCode == "NOSCRIPT")
        {
            return await redis.ExecuteAsync(Build("EVAL", _source, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
    }

    private static RedisCommand Build(string verb, byte[] script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments)
    {
        var command = new RedisCommand(verb, 2 + keys.Count + arguments.Count).Add(script).Add(keys.Count);
        foreach (string key in keys) command.Add(key);
        foreach (string argument in arguments) command.Add(argument);
        return command;
    }
}
