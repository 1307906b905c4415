using System.Net;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;

namespace KvCluster.Tests.Security;

/// <summary>
/// What an outsider gets from the routes only services call, on a cluster the AppHost started: a forged append to the
/// coordinator and a snapshot from each node, without the internal key, bearing <c>bearer</c> if given.
/// </summary>
internal static class OutsiderProbe
{
    /// <summary>What answered wrong: each request must be 401, and the forged key must not be in the log.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(TestCluster cluster, string? bearer)
    {
        var wrong = new List<string>();
        string forged = "forged/" + Guid.NewGuid().ToString("N");
        using (var coordinator = TestCluster.CreateClient(cluster.Coordinator.Url, bearer))
        using (var append = await coordinator.SendAsync(ForgedAppend.Request(forged)))
        {
            if (append.StatusCode != HttpStatusCode.Unauthorized) wrong.Add($"POST /v1/append: {(int)append.StatusCode}, expected 401");
        }
        foreach (var node in cluster.Nodes)
        {
            using var client = TestCluster.CreateClient(node.Url, bearer);
            using var snapshot = await client.GetAsync("/v1/internal/snapshot");
            if (snapshot.StatusCode != HttpStatusCode.Unauthorized || snapshot.Headers.Contains("X-Kv-Snapshot-Seq"))
            {
                wrong.Add($"GET /v1/internal/snapshot on {node.Name}: {(int)snapshot.StatusCode}, expected 401 and no snapshot");
            }
        }
        // A linearizable read is as fresh as the log's head: had the append gone through, the key would be there.
        using var read = await KvHttp.GetAsync(cluster.NodeClients[0], forged);
        if (read.StatusCode != HttpStatusCode.NotFound) wrong.Add($"the forged key answered {(int)read.StatusCode}, expected 404");
        return wrong;
    }
}
