using System.Diagnostics;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Health probes stay out of traces: the AppHost polls them every second and they would drown real
/// requests. Without the instrumentation package there is no request filter; instead the request activity
/// is un-recorded. The SDK skips activities whose IsAllDataRequested is false when they stop, and the
/// parent-based sampler does not record children of an unrecorded parent.
/// </summary>
internal static class HealthProbeTraceSuppression
{
    public static void Suppress(Activity requestActivity)
    {
        requestActivity.IsAllDataRequested = false;
        requestActivity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}
