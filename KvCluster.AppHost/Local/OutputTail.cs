namespace KvCluster.AppHost.Local;

/// <summary>The last lines a process printed, kept for error messages and tests.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity) _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public string[] Snapshot()
    {
        lock (_gate) return [.. _lines];
    }

    public string Last(int count) => string.Join(Environment.NewLine, Snapshot().TakeLast(count));
}
