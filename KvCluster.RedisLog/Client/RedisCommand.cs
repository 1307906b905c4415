using System.Text;

namespace KvCluster.RedisLog.Client;

/// <summary>One Redis command: its name and arguments, each as raw bytes.</summary>
public sealed class RedisCommand
{
    private readonly List<ReadOnlyMemory<byte>> _parts;

    public RedisCommand(string name, int capacity = 4)
    {
        _parts = new List<ReadOnlyMemory<byte>>(capacity + 1) { Encoding.UTF8.GetBytes(name) };
    }

    /// <summary>Name and arguments, in order; the first part is the command name.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Parts => _parts;

    public RedisCommand Add(ReadOnlyMemory<byte> argument) { _parts.Add(argument); return this; }
    public RedisCommand Add(string argument) { _parts.Add(Encoding.UTF8.GetBytes(argument)); return this; }
    public RedisCommand Add(long argument) { _parts.Add(Encoding.ASCII.GetBytes(argument.ToString(System.Globalization.CultureInfo.InvariantCulture))); return this; }

    public override string ToString() => Encoding.UTF8.GetString(_parts[0].Span);
}
