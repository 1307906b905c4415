using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Puts the request-tracing middleware first in the pipeline, where the ASP.NET Core instrumentation
/// package would hook in: it keeps health probes out of traces and describes every other request.
/// </summary>
internal sealed class RequestTracingStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static async (context, nextMiddleware) =>
        {
            if (Activity.Current is not { OperationName: ServerRequestSpan.HostingActivityName } activity)
            {
                await nextMiddleware(context);
                return;
            }

            if (IsHealthProbe(context.Request.Path))
            {
                HealthProbeTraceSuppression.Suppress(activity);
                await nextMiddleware(context);
                return;
            }

            ServerRequestSpan.OnRequest(activity, context);
            try
            {
                await nextMiddleware(context);
            }
            catch (Exception e)
            {
                ServerRequestSpan.OnException(activity, e);
                throw;
            }

            ServerRequestSpan.OnResponse(activity, context);
        });
        next(app);
    };

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(Extensions.HealthEndpointPath) || path.StartsWithSegments(Extensions.AlivenessEndpointPath);
}
