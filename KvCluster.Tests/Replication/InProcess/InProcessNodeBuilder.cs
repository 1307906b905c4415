using KvCluster.Log;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Security;
using KvCluster.Tests.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>Describes an <see cref="InProcessNode"/>: the defaults are a node "node-1" starting empty, reading only.</summary>
internal sealed class InProcessNodeBuilder(IReplicatedLog log)
{
    private string _id = "node-1";
    private KvStateMachine? _startingState;
    private InProcessCoordinator? _coordinator;
    private TimeSpan _writeTimeout = new NodeOptions().WriteTimeout;
    private int _tailBatchSize = new NodeOptions().TailBatchSize;

    public InProcessNodeBuilder Named(string id)
    {
        _id = id;
        return this;
    }

    /// <summary>Starts from this state, as a node restarting from its snapshot does.</summary>
    public InProcessNodeBuilder StartingFrom(KvStateMachine state)
    {
        _startingState = state;
        return this;
    }

    /// <summary>Gives the node its write path, to this coordinator over HTTP with ServiceDefaults' resilience.</summary>
    public InProcessNodeBuilder WritingThrough(InProcessCoordinator coordinator)
    {
        _coordinator = coordinator;
        return this;
    }

    public InProcessNodeBuilder WithWriteTimeout(TimeSpan timeout)
    {
        _writeTimeout = timeout;
        return this;
    }

    /// <summary>Kv:TailBatchSize: entries the tailer asks for per read.</summary>
    public InProcessNodeBuilder ReadingAtMost(int entries)
    {
        _tailBatchSize = entries;
        return this;
    }

    public async Task<InProcessNode> StartAsync()
    {
        string dataDirectory = Path.Combine(Path.GetTempPath(), "kvcluster-inproc-" + Guid.NewGuid().ToString("N")[..12]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        if (_coordinator is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["services:coordinator:http:0"] = _coordinator.BaseAddress.ToString(),
                [TestInternalKey.Setting.Key] = TestInternalKey.Value,
            });
            builder.AddServiceDefaults();
            builder.Services.AddCoordinatorClient();
            builder.Services.AddSingleton<WriteProposer>();
        }
        builder.Services.Configure<NodeOptions>(options =>
        {
            options.NodeId = _id;
            options.DataDir = dataDirectory;
            options.WriteTimeout = _writeTimeout;
            options.TailBatchSize = _tailBatchSize;
        });
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(new ReplicaState(_startingState ?? new KvStateMachine()));
        builder.Services.AddSingleton(new SnapshotStore(Path.Combine(dataDirectory, "snapshots"), NullLogger<SnapshotStore>.Instance));
        builder.Services.AddSingleton<PendingWrites>();
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddSingleton<ReadBarrier>();
        builder.Services.AddSingleton<ReadGate>();
        var tailerLog = new RecordingLogger<LogTailer>();
        builder.Services.AddSingleton<ILogger<LogTailer>>(tailerLog);
        builder.Services.AddHostedService<LogTailer>();

        var host = builder.Build();
        await host.StartAsync();
        return new InProcessNode(host, _id, dataDirectory, tailerLog);
    }
}
