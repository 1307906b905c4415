using System.Net;
using Polly;
using Polly.Timeout;

namespace KvCluster.ServiceDefaults.Resilience;

/// <summary>Outcomes worth another attempt: the server or the network may answer differently soon.</summary>
public static class HttpTransientFailure
{
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Exception: TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        // 501 Not Implemented will not start working on its own.
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);
}
