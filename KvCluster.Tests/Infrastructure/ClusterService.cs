using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// The coordinator or one node of a test cluster, a project resource of the real AppHost. Faults are injected into its
/// own process (kill -9, SIGSTOP); <see cref="Kill"/> leaves it down until
/// <see cref="StartAsync"/>, while a crash the test did not ask for is restarted by the AppHost.
/// </summary>
public sealed class ClusterService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private static readonly string[] DownStates =
        [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart, KnownResourceStates.NotStarted];

    private readonly DistributedApplication _app;
    private readonly CrashRestarter _restarter;
    private readonly TimeSpan _readyTimeout;

    internal ClusterService(DistributedApplication app, string resourceName, string name, Uri url, string dataDirectory, TimeSpan readyTimeout)
    {
        _app = app;
        _restarter = app.Services.GetRequiredService<CrashRestarter>();
        ResourceName = resourceName;
        Name = name;
        Url = url;
        DataDirectory = dataDirectory;
        _readyTimeout = readyTimeout;
    }

    /// <summary>The AppHost's resource: "coordinator", "node1".</summary>
    public string ResourceName { get; }

    /// <summary>The service's id: "coordinator", "node-1".</summary>
    public string Name { get; }

    public Uri Url { get; }

    /// <summary>A node's Kv:DataDir (the coordinator keeps no state).</summary>
    public string DataDirectory { get; }

    public ResourceOutput Output { get; } = new();

    /// <summary>The last lines the service printed, oldest first.</summary>
    public IReadOnlyCollection<string> RecentOutput => Output.Recent;

    /// <summary>The service's own process (not the <c>dotnet run</c> DCP started it with), or null when not running.</summary>
    public int? ProcessId => ResourceProcess.Find(_app, ResourceName);

    public bool IsRunning => ProcessId is not null;

    /// <summary>How many times the AppHost started it again after it exited unasked.</summary>
    public int RestartCount => _restarter.RestartCount(ResourceName);

    /// <summary>kill -9, as a crash; the AppHost leaves it down until <see cref="StartAsync"/>.</summary>
    public void Kill()
    {
        if (ProcessId is not int pid) return;
        _restarter.LeaveDown(ResourceName);
        Signals.Kill(pid);
        WaitUntilGone(pid);
    }

    public void Pause()
    {
        if (ProcessId is int pid) Signals.Pause(pid);
    }

    public void Resume()
    {
        if (ProcessId is int pid) Signals.Resume(pid);
    }

    /// <summary>Starts it through the AppHost (the dashboard's Start) if it is down, and waits until /health answers 200.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
        {
            // DCP has to have seen the exit first: Start is refused while it still reports the resource running.
            await WaitForStateAsync(state => state is not null && DownStates.Contains(state), cancellationToken).ConfigureAwait(false);
            var result = await _app.ResourceCommands.ExecuteCommandAsync(ResourceName, KnownResourceCommands.StartCommand, cancellationToken)
                .ConfigureAwait(false);
            if (!result.Success) throw new InvalidOperationException($"Could not start {Name}: {result.Message}");
        }
        await WaitReadyAsync(_readyTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the service's process runs and answers /health with 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var client = TestCluster.CreateClient(Url);
        client.Timeout = TimeSpan.FromSeconds(2);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsRunning && await AnswersHealthAsync(client, cancellationToken).ConfigureAwait(false)) return;
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not answer GET {new Uri(Url, ClusterServices.HealthPath)} with 200 within " +
                    $"{timeout.TotalSeconds:0} s. Its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, RecentOutput.TakeLast(30))}");
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the service's process runs, healthy or not.</summary>
    public async Task WaitRunningAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        while (!IsRunning)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} was not running within {timeout.TotalSeconds:0} s. Its last lines:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, RecentOutput.TakeLast(30)));
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnswersHealthAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(ClusterServices.HealthPath, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task WaitForStateAsync(Func<string?, bool> predicate, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_readyTimeout);
        await _app.ResourceNotifications.WaitForResourceAsync(ResourceName, update => predicate(update.Snapshot.State?.Text), timeout.Token)
            .ConfigureAwait(false);
    }

    private static void WaitUntilGone(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (ProcessLiveness.IsAlive(pid) && deadline.Elapsed < StopGrace) Thread.Sleep(20);
    }
}
