using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// How a service answers an exception no handler caught: a plain problem+json (title and status only, no message,
/// type or stack trace — also in Development, where Aspire runs the services and ASP.NET Core would show the
/// developer exception page). A bug is a 500, logged as an error and recorded on the request's trace; a request
/// Kestrel could not read (a malformed chunked body, a body that ends early or is over the size limit) is the
/// client's 4xx, and not logged as an error of ours.
/// </summary>
public sealed class UnhandledExceptions : IExceptionHandler
{
    public static void Configure(ExceptionHandlerOptions options)
    {
        options.StatusCodeSelector = exception =>
            exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
    }

    // Runs before the middleware writes its answer; declines, so the middleware answers and logs as configured above.
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException && Activity.Current is { } activity)
        {
            activity.AddException(exception);
            activity.SetStatus(ActivityStatusCode.Error);
        }
        return ValueTask.FromResult(false);
    }
}
