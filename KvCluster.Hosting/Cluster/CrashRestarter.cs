using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.Hosting;

/// <summary>
/// Starts again, with backoff, a node, the coordinator or the private redis-server that exited when nobody asked it
/// to. One stopped on purpose (the dashboard's Stop, which passes through Stopping) stays stopped; so does everything
/// while the AppHost shuts down.
/// </summary>
public sealed class CrashRestarter(
    KvClusterResource cluster,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ILogger<CrashRestarter> logger) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);
    // A service that stayed up this long before exiting starts its backoff from the first delay again.
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Supervised> _resources = new(StringComparer.Ordinal);

    /// <summary>Leaves the resource down after its next exit, as a stop from the dashboard would (tests kill -9 and start it themselves).</summary>
    public void LeaveDown(string resourceName) => _resources.GetOrAdd(resourceName, _ => new Supervised()).LeaveDown();

    /// <summary>How many times the resource was started again after an unasked-for exit.</summary>
    public int RestartCount(string resourceName) => _resources.TryGetValue(resourceName, out var supervised) ? supervised.Restarts : 0;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                // The cluster's own services only: the AppHost's other resources are theirs to look after.
                if (!cluster.IsService(update.Resource) && update.Resource is not RedisServerResource) continue;
                // Keyed by name: the cluster's resources have one instance each (no replicas).
                var supervised = _resources.GetOrAdd(update.Resource.Name, _ => new Supervised());
                if (supervised.Observe(update.Snapshot) is { } exitCode)
                {
                    _ = RestartAsync(update.Resource, update.Resource.Name, supervised, exitCode, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping: nothing is restarted from now on.
        }
    }

    private async Task RestartAsync(IResource resource, string resourceName, Supervised supervised, int? exitCode, CancellationToken stoppingToken)
    {
        try
        {
            // A start can fail while what the resource waits for is itself down (a node while Redis restarts): try again.
            while (true)
            {
                var delay = supervised.NextDelay(FirstDelay, MaxDelay, StableUptime);
                logger.LogWarning("{Resource} exited unexpectedly (exit code {ExitCode}); starting it again in {Delay:0.#} s.",
                    resourceName, exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown", delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                if (!supervised.StillCrashed) return; // someone started or stopped it meanwhile
                var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken).ConfigureAwait(false);
                if (result.Success)
                {
                    supervised.CountRestart();
                    return;
                }
                logger.LogWarning("Could not start {Resource} again: {Error}", resourceName, result.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One resource's recent states, as the notifications report them.</summary>
    private sealed class Supervised
    {
        private readonly Lock _gate = new();
        private string? _state;
        private bool _stopRequested;
        private bool _crashed;
        private DateTime _startedAt = DateTime.UtcNow;
        private int _consecutiveCrashes;
        private int _restarts;

        public int Restarts => Volatile.Read(ref _restarts);

        public void CountRestart() => Interlocked.Increment(ref _restarts);

        public void LeaveDown()
        {
            lock (_gate) _stopRequested = true;
        }

        public bool StillCrashed
        {
            get
            {
                lock (_gate) return _crashed;
            }
        }

        /// <summary>The exit code (null when unknown) when this update is an unasked-for exit, else null.</summary>
        public int? Observe(CustomResourceSnapshot snapshot) => ObserveCore(snapshot) ? snapshot.ExitCode ?? -1 : null;

        private bool ObserveCore(CustomResourceSnapshot snapshot)
        {
            lock (_gate)
            {
                string? previous = _state;
                _state = snapshot.State?.Text;
                if (_state == previous) return false;
                if (_state == KnownResourceStates.Running)
                {
                    _startedAt = DateTime.UtcNow;
                    _stopRequested = false;
                    _crashed = false;
                    return false;
                }
                if (_state == KnownResourceStates.Stopping)
                {
                    _stopRequested = true;
                    return false;
                }
                if (_state != KnownResourceStates.Exited && _state != KnownResourceStates.Finished) return false;
                // Only an exit of a running service is a crash; one after a start that failed leaves the retry loop going.
                if (previous != KnownResourceStates.Running) return false;
                _crashed = !_stopRequested;
                return _crashed;
            }
        }

        public TimeSpan NextDelay(TimeSpan first, TimeSpan max, TimeSpan stableUptime)
        {
            lock (_gate)
            {
                if (DateTime.UtcNow - _startedAt > stableUptime) _consecutiveCrashes = 0;
                int shift = Math.Min(_consecutiveCrashes++, 10);
                return TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks << shift));
            }
        }
    }
}
