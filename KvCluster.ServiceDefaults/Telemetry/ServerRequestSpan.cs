using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// ASP.NET Core starts a bare activity per request; the instrumentation package we cannot use would give it
/// the OpenTelemetry HTTP server attributes. These are the ones a trace viewer needs.
/// </summary>
internal static class ServerRequestSpan
{
    public const string HostingActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public static void OnRequest(Activity activity, HttpContext context)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }

        var request = context.Request;
        activity.DisplayName = request.Method;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.PathBase.Add(request.Path).Value);
        activity.SetTag("server.address", request.Host.Host);
        if (request.Host.Port is { } port)
        {
            activity.SetTag("server.port", port);
        }

        if (request.QueryString.HasValue)
        {
            activity.SetTag("url.query", request.QueryString.Value);
        }
    }

    public static void OnResponse(Activity activity, HttpContext context)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }

        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
        {
            activity.SetTag("http.route", route);
            activity.DisplayName = $"{context.Request.Method} {route}";
        }

        // Semantic conventions: only server errors mark a server span as failed.
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static void OnException(Activity activity, Exception exception)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
