namespace KvCluster.Tests.Linearizability;

/// <summary>Which operations are linearized: the memoisation key of the search, compared by value.</summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;

    public Bitset(int size) => _words = new ulong[(size + 63) / 64];

    private Bitset(ulong[] words) => _words = words;

    public void Set(int index) => _words[index >> 6] |= 1UL << (index & 63);

    public void Clear(int index) => _words[index >> 6] &= ~(1UL << (index & 63));

    public Bitset Clone() => new((ulong[])_words.Clone());

    public bool Equals(Bitset? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as Bitset);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ulong word in _words) hash.Add(word);
        return hash.ToHashCode();
    }
}
