using System.Net;

namespace KvCluster.Client;

public sealed partial class KvClient
{
    /// <summary>One node's answer to <c>GET /health</c>.</summary>
    internal sealed record NodeProbe(Uri Endpoint, bool Ready, string State);

    /// <summary>Asks every node's <c>/health</c> at once, each within <see cref="KvClientOptions.RequestTimeout"/>; no failover, no retry.</summary>
    internal async Task<IReadOnlyList<NodeProbe>> ProbeNodesAsync(CancellationToken cancellationToken)
    {
        var probes = _endpoints.Select(async endpoint =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_requestTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, NodeUri(endpoint, "health"));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                return new NodeProbe(endpoint, response.StatusCode == HttpStatusCode.OK,
                    response.StatusCode == HttpStatusCode.OK ? "ready" : $"{(int)response.StatusCode} {response.ReasonPhrase}");
            }
            catch (HttpRequestException e)
            {
                return new NodeProbe(endpoint, false, $"no connection ({e.Message})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new NodeProbe(endpoint, false, $"no answer within {_requestTimeout.TotalSeconds:0.###} s");
            }
        });
        return await Task.WhenAll(probes).ConfigureAwait(false);
    }
}
