using System.Buffers.Text;
using System.Text;

namespace KvCluster.Log.Client;

/// <summary>One Redis command: its name and arguments, each as raw bytes.</summary>
public sealed class RedisCommand
{
    private readonly List<ReadOnlyMemory<byte>> _parts;

    public RedisCommand(string name, int capacity = 4)
    {
        _parts = new List<ReadOnlyMemory<byte>>(capacity + 1) { CommandNames.GetBytes(name) };
    }

    /// <summary>A command whose name is already bytes (e.g. a cached array): nothing is encoded per command.</summary>
    public RedisCommand(ReadOnlyMemory<byte> name, int capacity = 4)
    {
        _parts = new List<ReadOnlyMemory<byte>>(capacity + 1) { name };
    }

    /// <summary>Name and arguments, in order; the first part is the command name.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Parts => _parts;

    public RedisCommand Add(ReadOnlyMemory<byte> argument) { _parts.Add(argument); return this; }
    public RedisCommand Add(string argument) { _parts.Add(Encoding.UTF8.GetBytes(argument)); return this; }

    public RedisCommand Add(long argument)
    {
        // Formatted straight to ASCII bytes: no intermediate string.
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(argument, digits, out int written);
        _parts.Add(digits[..written].ToArray());
        return this;
    }

    public override string ToString() => Encoding.UTF8.GetString(_parts[0].Span);
}
