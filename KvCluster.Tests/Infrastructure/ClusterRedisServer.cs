using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;

namespace KvCluster.Tests.Infrastructure;

/// <summary>The test cluster's private redis-server, an executable resource of the AppHost, for tests that crash it.</summary>
public sealed class ClusterRedisServer(DistributedApplication app, string connectionString, TimeSpan readyTimeout)
{
    private readonly CrashRestarter _restarter = app.Services.GetRequiredService<CrashRestarter>();

    public string ConnectionString => connectionString;

    public int? ProcessId => ResourceProcess.Find(app, ClusterRedis.ResourceName);

    public bool IsRunning => ProcessId is not null;

    /// <summary>kill -9: no shutdown save, as a crash would be; left down until <see cref="RestartAsync"/>.</summary>
    public void Kill()
    {
        if (ProcessId is not int pid) return;
        _restarter.LeaveDown(ClusterRedis.ResourceName);
        Signals.Kill(pid);
        SpinWait.SpinUntil(() => !ProcessLiveness.IsAlive(pid), TimeSpan.FromSeconds(10));
    }

    /// <summary>kill -9 if running, then start it again on the same port and AOF, and wait until it answers.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(readyTimeout);
        await app.ResourceNotifications.WaitForResourceAsync(ClusterRedis.ResourceName,
            update => update.Snapshot.State?.Text == KnownResourceStates.Exited || update.Snapshot.State?.Text == KnownResourceStates.Finished,
            timeout.Token).ConfigureAwait(false);
        var result = await app.ResourceCommands.ExecuteCommandAsync(ClusterRedis.ResourceName, KnownResourceCommands.StartCommand, timeout.Token)
            .ConfigureAwait(false);
        if (!result.Success) throw new InvalidOperationException($"Could not start Redis again: {result.Message}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ClusterRedis.ResourceName, timeout.Token).ConfigureAwait(false);
    }
}
