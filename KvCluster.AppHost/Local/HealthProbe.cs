using System.Net;

namespace KvCluster.AppHost.Local;

/// <summary>A child is ready when GET {url}/health answers 200.</summary>
internal static class HealthProbe
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    // No proxy: an HTTP_PROXY in the environment must not swallow loopback probes.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = AttemptTimeout,
        PooledConnectionLifetime = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<bool> IsReadyAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await Client.GetAsync(new Uri(baseUrl, "/health"), attempt.Token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
