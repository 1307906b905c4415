using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace KvCluster.Hosting;

/// <summary>
/// A KvCluster as one resource: the parent of its Redis, coordinator and nodes. Its connection string lists the HTTP
/// endpoints of the nodes the cluster starts with (<c>Endpoints=http://127.0.0.1:5101,http://127.0.0.1:5102,...</c>) and,
/// where clients need a token and the cluster generates its tokens, <c>;Token=</c> the client token (role write, not the
/// admin token); <c>WithReference(kv)</c> hands a service <c>ConnectionStrings__kv</c>.
/// </summary>
public sealed class KvClusterResource : Resource, IResourceWithConnectionString
{
    private readonly DistributedApplicationExecutionContext _executionContext;
    // Every node ever added, in index order: WithNodes may shrink the cluster and grow it again, and a node added twice
    // would register its health check twice (which fails the app at its first check).
    private readonly List<IResourceBuilder<IResourceWithEndpoints>> _nodes = [];
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);

    /// <summary>A cluster named <paramref name="name"/> with <paramref name="settings"/>.</summary>
    public KvClusterResource(string name, ClusterSettings settings, DistributedApplicationExecutionContext executionContext) : base(name)
    {
        Settings = settings;
        _executionContext = executionContext;
    }

    /// <summary>The cluster's settings: the resource builder's <c>With…</c> methods change them.</summary>
    public ClusterSettings Settings { get; }

    /// <summary>The cluster's Redis: the private one, or the one the caller gave.</summary>
    public IResourceWithConnectionString Redis => RedisBuilder?.Resource ?? throw NotBuilt();

    /// <summary>Whether the cluster starts its Redis itself (and so owns its port and its data).</summary>
    public bool HasPrivateRedis => Redis is RedisResource or RedisServerResource;

    /// <summary>The coordinator: a project, or the package's build as an executable.</summary>
    public IResourceWithEndpoints Coordinator => CoordinatorBuilder?.Resource ?? throw NotBuilt();

    /// <summary>The nodes the cluster starts with, node1..nodeN (spare nodes, started from the dashboard, not among them).</summary>
    public IReadOnlyList<IResourceWithEndpoints> Nodes => [.. _nodes.Take(Settings.Nodes).Select(node => node.Resource)];

    /// <summary>The admin token's parameter, with <c>WithAuth()</c> and always when publishing; null otherwise.</summary>
    public ParameterResource? AdminToken => Secrets?.AdminToken?.Resource;

    /// <summary>The client token's parameter (role write), what the connection string carries; null where <see cref="AdminToken"/> is.</summary>
    public ParameterResource? ClientToken => Secrets?.ClientToken?.Resource;

    internal ClusterSecrets? Secrets { get; set; }

    internal IResourceBuilder<IResourceWithConnectionString>? RedisBuilder { get; set; }

    internal IResourceBuilder<IResourceWithEndpoints>? CoordinatorBuilder { get; set; }

    internal Func<int, IResourceBuilder<IResourceWithEndpoints>>? AddNode { get; set; }

    internal IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AllNodes => _nodes;

    // What stands for each node in the model: the node itself, or, for a packaged node when publishing, the container
    // resource PublishAsDockerFile put in its place (it shares the node's annotations).
    private readonly List<IResource> _modelledNodes = [];

    internal void Remember(IResourceBuilder<IResourceWithEndpoints> node)
    {
        _nodes.Add(node);
        _modelledNodes.Add(node.ApplicationBuilder.Resources.FirstOrDefault(r => r.Name == node.Resource.Name) ?? node.Resource);
    }

    internal IResource ModelledNode(int index) => _modelledNodes[index - 1];

    /// <summary>Whether <paramref name="resource"/> is this cluster's coordinator or one of its nodes.</summary>
    internal bool IsService(IResource resource) =>
        ReferenceEquals(resource, CoordinatorBuilder?.Resource) || _nodes.Any(node => ReferenceEquals(node.Resource, resource));

    // The cluster shows Running once every node it starts with has been healthy, which is what WaitFor(kv) waits for.
    internal async Task NodeReadyAsync(ResourceReadyEvent readyEvent, CancellationToken cancellationToken)
    {
        bool allReady;
        lock (_ready) allReady = _ready.Add(readyEvent.Resource.Name) && Nodes.All(node => _ready.Contains(node.Name));
        if (!allReady) return;
        await readyEvent.Services.GetRequiredService<ResourceNotificationService>()
            .PublishUpdateAsync(this, snapshot => snapshot with { State = KnownResourceStates.Running }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>Endpoints=</c> the nodes' HTTP URLs, over the node resources' endpoints so that a manifest holds references azd
    /// fills in; locally 127.0.0.1 rather than the endpoint's "localhost", since each node binds IPv4 loopback only.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.AppendLiteral("Endpoints=");
            var nodes = Nodes;
            for (int i = 0; i < nodes.Count; i++)
            {
                if (i > 0) builder.AppendLiteral(",");
                var endpoint = nodes[i].GetEndpoint("http");
                if (_executionContext.IsRunMode)
                {
                    builder.AppendLiteral("http://127.0.0.1:");
                    builder.AppendValueProvider(endpoint.Property(EndpointProperty.Port));
                }
                else
                {
                    builder.AppendValueProvider(endpoint.Property(EndpointProperty.Url));
                }
            }
            // With --token-file alone the AppHost holds no token to hand out: the service brings its own.
            // A service gets the client token: the admin token stays with the dashboard's commands and endpoints.json.
            if (Settings.TokenModeIn(_executionContext) && ClientToken is { } token)
            {
                builder.AppendLiteral(";Token=");
                builder.AppendValueProvider(token);
            }
            return builder.Build();
        }
    }

    private InvalidOperationException NotBuilt() => new($"The cluster '{Name}' was not added with AddKvCluster.");
}
