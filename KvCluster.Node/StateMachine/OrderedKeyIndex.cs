using System.Runtime.InteropServices;

namespace KvCluster.Node.StateMachine;

/// <summary>
/// The keys in ordinal order, as a list of sorted chunks (a one-level B+ tree). Finding where a page
/// starts is two binary searches and reading it walks only the page, so a prefix page costs
/// O(log n + limit) at any size; each key costs about one array slot (8–16 bytes) rather than a
/// 48-byte tree node. Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class OrderedKeyIndex
{
    internal const int MaxChunkSize = 256;
    private const int MergeBelow = MaxChunkSize / 4;

    // Every chunk is non-empty and sorted, and every key of chunk i sorts before every key of chunk i+1.
    private readonly List<List<string>> _chunks = [];

    // _lastKeys[i] is the last key of _chunks[i]: one contiguous array to binary-search, instead of
    // chasing a list, its array and its last element per step.
    private readonly List<string> _lastKeys = [];

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="key"/>; false when it is already present.</summary>
    public bool Add(string key)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add(NewChunk());
            _chunks[0].Add(key);
            _lastKeys.Add(key);
            Count = 1;
            return true;
        }

        // The first chunk whose last key is ≥ key holds its place; past every chunk, it goes last.
        int chunkIndex = Math.Min(FirstChunkEndingAtOrAfter(key), _chunks.Count - 1);
        var chunk = _chunks[chunkIndex];
        int at = Search(chunk, key);
        if (at >= 0)
            return false;

        at = ~at;
        chunk.Insert(at, key);
        if (at == chunk.Count - 1)
            _lastKeys[chunkIndex] = key;
        Count++;
        if (chunk.Count > MaxChunkSize)
            Split(chunkIndex);
        return true;
    }

    /// <summary>Removes <paramref name="key"/>; false when it was absent.</summary>
    public bool Remove(string key)
    {
        int chunkIndex = FirstChunkEndingAtOrAfter(key);
        if (chunkIndex == _chunks.Count)
            return false;

        var chunk = _chunks[chunkIndex];
        int at = Search(chunk, key);
        if (at < 0)
            return false;

        chunk.RemoveAt(at);
        Count--;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(chunkIndex);
            _lastKeys.RemoveAt(chunkIndex);
            return true;
        }
        if (at == chunk.Count)
            _lastKeys[chunkIndex] = chunk[^1];
        if (chunk.Count < MergeBelow)
            MergeWithNeighbour(chunkIndex);
        return true;
    }

    /// <summary>
    /// The keys from <paramref name="from"/> on, in order: those ≥ it, or &gt; it when
    /// <paramref name="inclusive"/> is false. The caller stops when it has read enough.
    /// </summary>
    public IEnumerable<string> From(string from, bool inclusive)
    {
        int chunkIndex = FirstChunkEndingAtOrAfter(from);
        if (chunkIndex == _chunks.Count)
            yield break;

        int start = Search(_chunks[chunkIndex], from);
        start = start < 0 ? ~start : inclusive ? start : start + 1;
        for (; chunkIndex < _chunks.Count; chunkIndex++, start = 0)
        {
            var chunk = _chunks[chunkIndex];
            for (int i = start; i < chunk.Count; i++)
                yield return chunk[i];
        }
    }

    private int FirstChunkEndingAtOrAfter(string key)
    {
        var lastKeys = CollectionsMarshal.AsSpan(_lastKeys);
        int found = lastKeys.BinarySearch(key, default(OrdinalComparer));
        return found < 0 ? ~found : found;
    }

    private static int Search(List<string> chunk, string key) =>
        CollectionsMarshal.AsSpan(chunk).BinarySearch(key, default(OrdinalComparer));

    private void Split(int chunkIndex)
    {
        var chunk = _chunks[chunkIndex];
        int half = chunk.Count / 2;
        var upper = NewChunk();
        upper.AddRange(CollectionsMarshal.AsSpan(chunk)[half..]);
        chunk.RemoveRange(half, chunk.Count - half);
        _chunks.Insert(chunkIndex + 1, upper);
        _lastKeys.Insert(chunkIndex, chunk[^1]);
    }

    // Without merging, deletes could leave many near-empty chunks and slow the chunk search and inserts.
    private void MergeWithNeighbour(int chunkIndex)
    {
        int left = chunkIndex + 1 < _chunks.Count ? chunkIndex : chunkIndex - 1;
        if (left < 0)
            return;
        var into = _chunks[left];
        var from = _chunks[left + 1];
        if (into.Count + from.Count > MaxChunkSize)
            return;
        into.AddRange(from);
        _chunks.RemoveAt(left + 1);
        _lastKeys.RemoveAt(left);
    }

    // Sized once for the most a chunk ever holds (it splits past MaxChunkSize), so no chunk grows to
    // double capacity and then keeps that slack after a split.
    private static List<string> NewChunk() => new(MaxChunkSize + 1);

    // A struct comparer lets the span binary search call string.CompareOrdinal directly.
    private readonly struct OrdinalComparer : IComparer<string>
    {
        public int Compare(string? x, string? y) => string.CompareOrdinal(x, y);
    }
}
