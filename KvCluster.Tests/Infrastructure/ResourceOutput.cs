using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Tests.Infrastructure;

/// <summary>A resource's console lines as DCP captured them: the last 400 kept, each also passed to the test's output.</summary>
public sealed class ResourceOutput
{
    private const int Kept = 400;
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Recent => [.. _lines];

    public void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Kept && _lines.TryDequeue(out _)) { }
    }

    /// <summary>Reads the resource's lines until <paramref name="stopping"/> fires.</summary>
    public async Task FollowAsync(ResourceLoggerService logs, string resourceName, Action<string> forward, CancellationToken stopping)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceName).WithCancellation(stopping).ConfigureAwait(false))
            {
                foreach (var line in batch)
                {
                    Add(line.Content);
                    forward(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
