using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// Writes a problem as application/problem+json whatever the request's Accept says. Registered after the framework's
/// writer, which declines when Accept names no JSON type (a browser's text/html): the exception handler and the status
/// code pages would then answer an empty or text/plain body, unlike every other error here.
/// </summary>
internal sealed class ProblemJsonWriter : IProblemDetailsWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, Options, "application/problem+json", http.RequestAborted));
    }
}
