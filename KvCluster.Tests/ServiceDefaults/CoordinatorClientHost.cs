using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// A node's coordinator client as the node registers it (ServiceDefaults, NodeOptions, a replica, AddCoordinatorClient)
/// and nothing else, sending to <c>coordinator</c> with the test's internal key: for tests of the node → coordinator wire.
/// </summary>
internal static class CoordinatorClientHost
{
    public static IHost Build(Uri coordinator, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["services:coordinator:http:0"] = coordinator.ToString(),
            ["Kv:NodeId"] = "node-1",
            [TestInternalKey.Setting.Key] = TestInternalKey.Value,
        };
        // The test's settings win over these defaults.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Kv"));
        builder.Services.AddSingleton(new ReplicaState(new KvStateMachine()));
        builder.Services.AddCoordinatorClient();
        return builder.Build();
    }
}
