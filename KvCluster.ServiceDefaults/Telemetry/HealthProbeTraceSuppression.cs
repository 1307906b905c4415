using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps health probes out of traces: the AppHost polls them every second and they would drown real
/// requests. Without the ASP.NET Core instrumentation package there is no request filter, so the first
/// middleware un-records the request activity; the SDK skips activities whose IsAllDataRequested is
/// false when they stop, and children of an unrecorded parent are not sampled.
/// </summary>
internal sealed class HealthProbeTraceSuppression : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, nextMiddleware) =>
        {
            if (IsHealthProbe(context.Request.Path) && Activity.Current is { } activity)
            {
                activity.IsAllDataRequested = false;
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(Extensions.HealthEndpointPath) || path.StartsWithSegments(Extensions.AlivenessEndpointPath);
}
