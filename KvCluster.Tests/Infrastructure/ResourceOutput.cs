using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Tests.Infrastructure;

/// <summary>A resource's console lines as DCP captured them: the last 2000 kept, each also passed to the test's output.</summary>
public sealed partial class ResourceOutput
{
    private const int Kept = 2000;
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Recent => [.. _lines];

    public void Add(string line)
    {
        // Aspire asks services for colour (the dashboard renders it); "fail: " must be found at the start of a line.
        line = ColourCodes().Replace(line, "");
        _lines.Enqueue(line);
        while (_lines.Count > Kept && _lines.TryDequeue(out _)) { }
    }

    /// <summary>Reads the resource's lines until <paramref name="stopping"/> fires.</summary>
    public async Task FollowAsync(ResourceLoggerService logs, IResource resource, Action<string> forward, CancellationToken stopping)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(stopping).ConfigureAwait(false))
            {
                foreach (var line in batch)
                {
                    Add(line.Content);
                    forward(ColourCodes().Replace(line.Content, ""));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex ColourCodes();
}
