using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace KvCluster.ServiceDefaults.Discovery;

/// <summary>
/// Sends a request for <c>http://{service}/…</c> to one of the service's configured endpoints. When an
/// endpoint refuses the connection the request never reached a server, so it is safe to send it to the
/// next endpoint whatever its method. Requests to hosts that are not service names pass through.
/// </summary>
public sealed class ServiceDiscoveryHandler(
    ServiceEndpointResolver resolver,
    EndpointRotation rotation,
    ILogger<ServiceDiscoveryHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var serviceUri = request.RequestUri;
        if (serviceUri is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var endpoints = resolver.Resolve(serviceUri);
        if (endpoints.Count == 0)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var candidates = rotation.Order(serviceUri.Scheme + "://" + serviceUri.Authority, endpoints);
        try
        {
            for (var i = 0; ; i++)
            {
                var endpoint = candidates[i];
                request.RequestUri = Rebase(serviceUri, endpoint);
                try
                {
                    var response = await base.SendAsync(request, cancellationToken);
                    rotation.ReportSuccess(endpoint);
                    return response;
                }
                catch (HttpRequestException e) when (IsConnectFailure(e) && !cancellationToken.IsCancellationRequested)
                {
                    rotation.ReportConnectFailure(endpoint);
                    if (i == candidates.Count - 1)
                    {
                        throw;
                    }

                    logger.LogDebug(e, "Endpoint {Endpoint} of {Service} refused the connection; trying the next one", endpoint, serviceUri.Host);
                }
            }
        }
        finally
        {
            // An outer retry sends this request again: it must resolve the service name afresh.
            request.RequestUri = serviceUri;
        }
    }

    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.ConnectionError || e.InnerException is SocketException;

    /// <summary>The request's path and query on the endpoint's scheme, host and port (and path base, if any).</summary>
    private static Uri Rebase(Uri serviceUri, Uri endpoint)
    {
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        return new UriBuilder(serviceUri)
        {
            Scheme = endpoint.Scheme,
            Host = endpoint.Host,
            Port = endpoint.Port,
            Path = basePath + serviceUri.AbsolutePath,
        }.Uri;
    }
}
