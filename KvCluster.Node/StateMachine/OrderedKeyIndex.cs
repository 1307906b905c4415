namespace KvCluster.Node.StateMachine;

/// <summary>
/// The keys in ordinal order, as a list of sorted chunks (a one-level B+ tree). Finding where a page
/// starts is two binary searches and reading it walks only the page, so a prefix page costs
/// O(log n + limit) at any size; each key costs one array slot (8 bytes) rather than a tree node.
/// Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class OrderedKeyIndex
{
    internal const int MaxChunkSize = 256;
    private const int MergeBelow = MaxChunkSize / 4;

    // Every chunk is non-empty and sorted, and every key of chunk i sorts before every key of chunk i+1.
    private readonly List<List<string>> _chunks = [];

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="key"/>; false when it is already present.</summary>
    public bool Add(string key)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([key]);
            Count = 1;
            return true;
        }

        // The first chunk whose last key is ≥ key holds its place; past every chunk, it goes last.
        int chunkIndex = Math.Min(FirstChunkEndingAtOrAfter(key), _chunks.Count - 1);
        var chunk = _chunks[chunkIndex];
        int at = chunk.BinarySearch(key, StringComparer.Ordinal);
        if (at >= 0)
            return false;

        chunk.Insert(~at, key);
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
        int at = chunk.BinarySearch(key, StringComparer.Ordinal);
        if (at < 0)
            return false;

        chunk.RemoveAt(at);
        Count--;
        if (chunk.Count == 0)
            _chunks.RemoveAt(chunkIndex);
        else if (chunk.Count < MergeBelow)
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

        int start = _chunks[chunkIndex].BinarySearch(from, StringComparer.Ordinal);
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
        int low = 0, high = _chunks.Count;
        while (low < high)
        {
            int middle = low + (high - low) / 2;
            var chunk = _chunks[middle];
            if (string.CompareOrdinal(chunk[^1], key) < 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private void Split(int chunkIndex)
    {
        var chunk = _chunks[chunkIndex];
        int half = chunk.Count / 2;
        var upper = chunk.GetRange(half, chunk.Count - half);
        chunk.RemoveRange(half, chunk.Count - half);
        _chunks.Insert(chunkIndex + 1, upper);
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
    }
}
