using KvCluster.Log;
using KvCluster.Log.Membership;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// When this replica starts, it takes its address out of the hidden set, so a replica a client removed from the
/// kevinDB view rejoins it when it comes back (<see cref="ReplicaViewRule"/>). Retries until Redis answers.
/// </summary>
internal sealed class ViewRejoin(
    ViewOverrides overrides,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<NodeOptions> options,
    ILogger<ViewRejoin> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The listening address is known only once the server has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        // The same URL the membership heartbeat announces, so the address matches the one in the view.
        string url = options.Value.PublicUrl ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
        if (SocketAddress.FromUrl(url) is not { } address) return;

        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                if (await overrides.UnhideAsync(address, stoppingToken).ConfigureAwait(false))
                {
                    logger.LogInformation("Rejoined the replica view as {Address}", address);
                }
                return;
            }
            catch (LogUnavailableException)
            {
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
        }
    }
}
