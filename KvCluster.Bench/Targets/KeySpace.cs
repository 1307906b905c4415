using System.Text;

namespace KvCluster.Bench.Targets;

/// <summary>The keys "bench-00000000".."bench-{n-1}" and the one value every write stores (printable ASCII, random once).</summary>
public sealed class KeySpace
{
    public KeySpace(int keyCount, int valueSize, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(valueSize);
        Keys = [.. Enumerable.Range(0, keyCount).Select(i => $"bench-{i:D8}")];
        var random = new Random(seed);
        var value = new byte[valueSize];
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < value.Length; i++) value[i] = (byte)Alphabet[random.Next(Alphabet.Length)];
        Value = value;
    }

    public IReadOnlyList<string> Keys { get; }

    public int Count => Keys.Count;

    public ReadOnlyMemory<byte> Value { get; }

    public byte[] KeyBytes(int key) => Encoding.UTF8.GetBytes(Keys[key]);
}
