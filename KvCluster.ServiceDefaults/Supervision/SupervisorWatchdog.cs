using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.ServiceDefaults.Supervision;

/// <summary>
/// Stops this service when the process that started it (configuration <c>Kv:SupervisorPid</c>) is gone,
/// so a killed AppHost never leaves orphaned nodes behind.
/// </summary>
internal sealed class SupervisorWatchdog(
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ILogger<SupervisorWatchdog> logger,
    TimeProvider time) : BackgroundService
{
    public const string SupervisorPidKey = "Kv:SupervisorPid";

    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[SupervisorPidKey], out var pid))
        {
            return;
        }

        // The start time tells the supervisor apart from a later process that reuses its pid.
        var startedAt = TryGetStartTime(pid);
        if (startedAt is null)
        {
            logger.LogWarning("Supervisor process {Pid} is not running; stopping", pid);
            lifetime.StopApplication();
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!IsSameProcess(TryGetStartTime(pid), startedAt.Value))
            {
                logger.LogWarning("Supervisor process {Pid} has exited; stopping", pid);
                lifetime.StopApplication();
                return;
            }
        }
    }

    // Start times are derived from boot time and clock ticks; allow for rounding between reads.
    private static bool IsSameProcess(DateTime? startedAt, DateTime expected) =>
        startedAt is { } actual && (actual - expected).Duration() < TimeSpan.FromSeconds(1);

    private static DateTime? TryGetStartTime(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
