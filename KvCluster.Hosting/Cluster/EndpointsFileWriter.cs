using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.Hosting;

/// <summary>
/// Keeps {state-dir}/endpoints.json listing the coordinator and the nodes that are running (a spare node appears once
/// started), Redis's connection string and with --auth the admin token, and removes it when the AppHost stops: a stale
/// file would send tools to dead ports.
/// </summary>
internal sealed class EndpointsFileWriter(
    KvClusterResource cluster,
    ResourceNotificationService notifications,
    ILogger<EndpointsFileWriter> logger) : BackgroundService
{
    private readonly Dictionary<string, bool> _running = new(StringComparer.Ordinal);
    private string? _written;

    private ClusterSettings Settings => cluster.Settings;

    public string FilePath => Path.Combine(Settings.StateDirectory, EndpointsFile.FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!cluster.IsService(update.Resource)) continue;
                _running[update.Resource.Name] = update.Snapshot.State?.Text == KnownResourceStates.Running;
                await WriteIfChangedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_written is not null && File.Exists(FilePath)) File.Delete(FilePath);
    }

    private async Task WriteIfChangedAsync(CancellationToken cancellationToken)
    {
        var nodes = Enumerable.Range(1, Settings.TotalNodes)
            .Where(i => _running.GetValueOrDefault(ClusterServices.NodeResourceName(i)))
            .Select(i => new NodeEndpoint(ClusterServices.NodeId(i), LoopbackUrl(Settings.NodePort(i))))
            .ToArray();
        var endpoints = new ClusterEndpoints(await RedisConnectionStringAsync(cancellationToken).ConfigureAwait(false),
            LoopbackUrl(Settings.PortBase), nodes) { Token = await AdminTokenAsync(cancellationToken).ConfigureAwait(false) };
        string key = string.Join(",", nodes.Select(node => node.Id));
        if (key == _written) return;
        await EndpointsFile.WriteAsync(FilePath, endpoints, cancellationToken).ConfigureAwait(false);
        _written = key;
        logger.LogInformation("{Path}: coordinator {Coordinator}, nodes {Nodes}", FilePath, endpoints.Coordinator,
            string.Join(" ", nodes.Select(node => $"{node.Id}={node.Url}")));
    }

    private async Task<string> RedisConnectionStringAsync(CancellationToken cancellationToken) =>
        await cluster.Redis.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false) ?? "";

    private async Task<string?> AdminTokenAsync(CancellationToken cancellationToken) =>
        cluster.AdminToken is { } token ? await token.GetValueAsync(cancellationToken).ConfigureAwait(false) : null;

    private static Uri LoopbackUrl(int port) => new("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
}
