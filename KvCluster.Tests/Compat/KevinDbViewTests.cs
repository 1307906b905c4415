using System.Net;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;
using static KvCluster.Tests.Compat.CompatHttp;

namespace KvCluster.Tests.Compat;

/// <summary>kevinDB's /key-value-store-view: live replicas, hand edits, and replicas that die and come back.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KevinDbViewTests(ITestOutputHelper output)
{
    private const string Route = "/key-value-store-view";

    // Heartbeats go stale after ClusterMembership.DownAfter (5 s); a replica restart takes a few seconds more.
    private static readonly TimeSpan ViewChangeTimeout = TimeSpan.FromSeconds(20);

    private static string Address(string socketAddress) => $$"""{"socket-address":"{{socketAddress}}"}""";

    private static string Retrieved(string view) => $$"""{"message":"View retrieved successfully","view":"{{view}}"}""";

    [Fact]
    public async Task The_view_lists_live_replicas_takes_hand_edits_and_follows_replicas_that_die_and_come_back()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3);
        var clients = cluster.NodeClients;
        string[] replicas = cluster.Nodes.Select(node => SocketAddressOf(node.Url)).ToArray();
        string all = string.Join(',', replicas);

        // The view follows the members' heartbeats (once a second), which can trail a node's own readiness by one:
        // wait until it lists every replica, then every node answers the same view, in the same order.
        string first = "";
        await Eventually.TrueAsync(async () => (first = (await GetAsync(clients[0], Route)).Body["view"]!.GetValue<string>()) == all,
            ViewChangeTimeout, () => $"the view is still {first}");
        foreach (var client in clients) (await GetAsync(client, Route)).Is(HttpStatusCode.OK, Retrieved(all), withMetadata: false);

        // Hand edits: an extra address comes and goes; each answer as the assignment words it; every node agrees.
        (await PutAsync(clients[0], Route, Address(replicas[1]))).Is(HttpStatusCode.NotFound,
            """{"error":"Socket address already exists in the view","message":"Error in PUT"}""", withMetadata: false);
        (await PutAsync(clients[0], Route, Address("10.9.9.9:8090"))).Is(HttpStatusCode.Created,
            """{"message":"Replica added successfully to the view"}""", withMetadata: false);
        (await GetAsync(clients[2], Route)).Is(HttpStatusCode.OK, Retrieved("10.9.9.9:8090," + all), withMetadata: false);
        (await DeleteAsync(clients[1], Route, Address("10.9.9.9:8090"))).Is(HttpStatusCode.OK,
            """{"message":"Replica deleted successfully from the view"}""", withMetadata: false);
        (await DeleteAsync(clients[2], Route, Address("10.9.9.9:8090"))).Is(HttpStatusCode.NotFound,
            """{"error":"Socket address does not exist in the view","message":"Error in DELETE"}""", withMetadata: false);

        // Bad requests.
        (await PutAsync(clients[0], Route, "{}")).Is(HttpStatusCode.BadRequest,
            """{"error":"Socket address is missing","message":"Error in PUT"}""", withMetadata: false);
        (await PutAsync(clients[0], Route, Address("no-port"))).Is(HttpStatusCode.BadRequest,
            """{"error":"Socket address is invalid; expected host:port","message":"Error in PUT"}""", withMetadata: false);
        (await DeleteAsync(clients[0], Route, "{\"socket-address\":")).Is(HttpStatusCode.BadRequest,
            """{"error":"Invalid JSON","message":"Error in DELETE"}""", withMetadata: false);
        (await PutAsync(clients[0], Route, replicas[2], "text/plain")).Is(HttpStatusCode.BadRequest,
            """{"error":"Content-Type must be application/json","message":"Error in PUT"}""", withMetadata: false);

        // Removing a live replica hides it; adding it back shows it again.
        (await DeleteAsync(clients[0], Route, Address(replicas[1]))).Is(HttpStatusCode.OK,
            """{"message":"Replica deleted successfully from the view"}""", withMetadata: false);
        (await GetAsync(clients[2], Route)).Is(HttpStatusCode.OK, Retrieved($"{replicas[0]},{replicas[2]}"), withMetadata: false);
        (await PutAsync(clients[2], Route, Address(replicas[1]))).Is(HttpStatusCode.Created,
            """{"message":"Replica added successfully to the view"}""", withMetadata: false);
        (await GetAsync(clients[0], Route)).Is(HttpStatusCode.OK, Retrieved(all), withMetadata: false);

        // Replica 3 is removed by hand, then both 2 and 3 die; writes go on through replica 1.
        (await DeleteAsync(clients[0], Route, Address(replicas[2]))).Is(HttpStatusCode.OK,
            """{"message":"Replica deleted successfully from the view"}""", withMetadata: false);
        for (int i = 0; i < 10; i++)
        {
            (await PutAsync(clients[i % 3], $"/key-value-store/before{i}", KevinBody("", i.ToString()))).Is(HttpStatusCode.Created,
                """{"message":"Added successfully","replaced":false}""");
        }
        cluster.Nodes[1].Kill();
        cluster.Nodes[2].Kill();
        for (int i = 0; i < 10; i++)
        {
            (await PutAsync(clients[0], $"/key-value-store/during{i}", KevinBody("", i.ToString()))).Is(HttpStatusCode.Created,
                """{"message":"Added successfully","replaced":false}""");
        }
        string view = "";
        await Eventually.TrueAsync(async () => (view = (await GetAsync(clients[0], Route)).Body["view"]!.GetValue<string>()) == replicas[0],
            ViewChangeTimeout, () => $"the view is still {view}");

        // Both come back: in the view again (the removed one too: a restarted replica rejoins), holding every key.
        await Task.WhenAll(cluster.Nodes[1].StartAsync(), cluster.Nodes[2].StartAsync());
        await Eventually.TrueAsync(async () => (view = (await GetAsync(clients[0], Route)).Body["view"]!.GetValue<string>()) == all,
            ViewChangeTimeout, () => $"the view is still {view}");
        foreach (var client in clients.Skip(1))
        {
            (await GetAsync(client, Route)).Is(HttpStatusCode.OK, Retrieved(all), withMetadata: false);
            for (int i = 0; i < 10; i++)
            {
                (await GetAsync(client, $"/key-value-store/before{i}")).Is(HttpStatusCode.OK,
                    $$"""{"doesExist":true,"message":"Retrieved successfully","value":{{i}}}""");
                (await GetAsync(client, $"/key-value-store/during{i}")).Is(HttpStatusCode.OK,
                    $$"""{"doesExist":true,"message":"Retrieved successfully","value":{{i}}}""");
            }
        }
    }
}
