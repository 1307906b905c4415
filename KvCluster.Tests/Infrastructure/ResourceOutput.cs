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
        _lines.Enqueue(line);
        while (_lines.Count > Kept && _lines.TryDequeue(out _)) { }
    }

    /// <summary>
    /// Reads the resource's lines until <paramref name="stopping"/> fires. A watch can end with a run of the service
    /// (killed and started again); watching again replays what was kept, so lines already seen are skipped.
    /// </summary>
    public async Task FollowAsync(ResourceLoggerService logs, IResource resource, Action<string> forward, CancellationToken stopping)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await foreach (var batch in logs.WatchAsync(resource).WithCancellation(stopping).ConfigureAwait(false))
                {
                    foreach (var line in batch)
                    {
                        string text = ColourCodes().Replace(line.Content, "");
                        if (!seen.Add(text)) continue;
                        Add(text);
                        forward(text);
                    }
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Aspire asks services for colour (the dashboard renders it); "fail: " must be found at the start of a line.
    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex ColourCodes();
}
