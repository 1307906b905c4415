using KvCluster.Client;

namespace FeatureFlags.Web.Flags;

/// <summary>
/// Loads every flag into the <see cref="FlagCache"/>, then follows their changes with a watch on <c>flags/</c>: every
/// instance of the service sees every change as the cluster pushes it, with no polling. The client resumes a broken
/// stream on another node by itself; what ends the watch here is no node for longer than the client's retry budget (then
/// it goes on from the cache's position) or a position the cluster no longer keeps (then it loads everything again).
/// </summary>
public sealed partial class FlagWatcher(KvClient kv, FlagCache cache, ILogger<FlagWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool mustLoad = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (mustLoad)
                {
                    await LoadAsync(stoppingToken);
                    mustLoad = false;
                }
                await foreach (var change in kv.WatchAsync(FlagKeys.Prefix, cache.Position + 1, stoppingToken)) Apply(change);
            }
            catch (KvHistoryCompactedException e)
            {
                LogCompacted(cache.Position + 1, e.OldestSeq);
                mustLoad = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogUnavailable(e, RetryDelay.TotalSeconds);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // List, then watch from the seq the listing was read at. A session read is served at or after the client's
        // SessionSeq, so every change up to the SessionSeq taken before listing is in the listing, and the watch starts
        // right after it. A client that has seen no seq yet (the first load: the endpoints refuse requests until it is
        // done, so nothing else uses the client meanwhile) takes the first page's. Changes made while the listing is read
        // come both ways; the cache keeps the newer version of each flag.
        long before = kv.SessionSeq;
        long? firstPage = null;
        var flags = new List<Flag>();
        await foreach (var info in kv.ListAsync(FlagKeys.Prefix, cancellationToken: cancellationToken))
        {
            firstPage ??= kv.SessionSeq;
            if (FlagKeys.NameOf(info.Key) is not { } name) continue;
            if (await kv.GetAsync(info.Key, cancellationToken: cancellationToken) is not { } item) continue;   // deleted meanwhile
            if (FlagBody.ReadEnabled(item.Value.Span) is { } enabled) flags.Add(new Flag(name, enabled, item.Version));
            else LogNotAFlag(info.Key, item.Version);
        }
        long position = before > 0 ? before : firstPage ?? kv.SessionSeq;
        cache.Load(flags, position);
        LogLoaded(flags.Count, position);
    }

    private void Apply(KvChange change)
    {
        if (FlagKeys.NameOf(change.Key) is not { } name)
        {
            cache.Skip(change.Seq);
        }
        else if (change.Op == KvChangeOp.Delete)
        {
            cache.Remove(name, change.Version, change.Seq);
        }
        else if (FlagBody.ReadEnabled(change.Value.Span) is { } enabled)
        {
            cache.Set(new Flag(name, enabled, change.Version), change.Seq);
        }
        else
        {
            LogNotAFlag(change.Key, change.Version);
            cache.Remove(name, change.Version, change.Seq);
        }
    }

    [LoggerMessage(LogLevel.Information, "Loaded {Count} flags, as of seq {Position}; watching from there.")]
    private partial void LogLoaded(int count, long position);

    [LoggerMessage(LogLevel.Warning, "{Key} at version {Version} is not a flag's JSON ({{\"enabled\": true}}); it is left out.")]
    private partial void LogNotAFlag(string key, long version);

    [LoggerMessage(LogLevel.Warning, "The cluster no longer keeps the changes from seq {From} (the oldest is {Oldest}); loading every flag again.")]
    private partial void LogCompacted(long from, long? oldest);

    [LoggerMessage(LogLevel.Warning, "The watch on the flags stopped; going on from the cache's position in {Seconds} s.")]
    private partial void LogUnavailable(Exception exception, double seconds);
}
