using System.Net;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;
using static KvCluster.Tests.Compat.CompatHttp;

namespace KvCluster.Tests.Compat;

/// <summary>boxer-db's clients, unchanged, against a 3-node KvCluster: /api/v1/{key}, where every node takes writes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoxerDbTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_readme_sequence_works_on_every_node_and_each_node_reports_its_role()
    {
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3);
        var (a, b, c) = (cluster.NodeClients[0], cluster.NodeClients[1], cluster.NodeClients[2]);

        var created = await SendAsync(a, HttpMethod.Post, "/api/v1/name", """{"value":"boxer"}""");
        long version = created.Body["version"]!.GetValue<long>();
        created.Is(HttpStatusCode.OK, $$"""{"key":"name","version":{{version}},"created":true}""", withMetadata: false);
        (await GetAsync(b, "/api/v1/name")).Is(HttpStatusCode.OK, """{"value":"boxer"}""", withMetadata: false);

        // Writes on a node that was a follower in boxer-db: accepted, never 403.
        var replaced = await PutAsync(c, "/api/v1/name", """{"value":{"nested":[1,true,null]}}""");
        Assert.True(replaced.Body["version"]!.GetValue<long>() > version);
        replaced.Is(HttpStatusCode.OK, $$"""{"key":"name","version":{{replaced.Body["version"]}},"created":false}""", withMetadata: false);
        (await GetAsync(a, "/api/v1/name")).Is(HttpStatusCode.OK, """{"value":{"nested":[1,true,null]}}""", withMetadata: false);

        (await DeleteAsync(b, "/api/v1/name")).Is(HttpStatusCode.OK, """{"key":"name","deleted":true}""", withMetadata: false);
        (await GetAsync(c, "/api/v1/name")).Is(HttpStatusCode.NotFound, """{"error":"key not found","key":"name"}""", withMetadata: false);
        (await DeleteAsync(a, "/api/v1/name")).Is(HttpStatusCode.NotFound, """{"error":"key not found","key":"name"}""", withMetadata: false);

        // Bad bodies are 400s and write nothing.
        long head = await KvHttp.HeadAsync(a);
        (await PutAsync(a, "/api/v1/k", """{"val":1}""")).Is(HttpStatusCode.BadRequest, """{"error":"value is missing","key":"k"}""", withMetadata: false);
        (await PutAsync(a, "/api/v1/k", "{\"value\":")).Is(HttpStatusCode.BadRequest, """{"error":"Invalid JSON"}""", withMetadata: false);
        (await PutAsync(a, "/api/v1/k", "1", "text/plain")).Is(HttpStatusCode.BadRequest,
            """{"error":"Content-Type must be application/json"}""", withMetadata: false);
        Assert.Equal(head, await KvHttp.HeadAsync(a));

        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            var role = await GetAsync(cluster.NodeClients[i], "/api/v1/role");
            Assert.Equal(HttpStatusCode.OK, role.Status);
            Assert.Equal("replica", role.Body["role"]?.GetValue<string>());
            Assert.Equal(cluster.Nodes[i].Name, role.Body["nodeId"]?.GetValue<string>());
            Assert.True(role.Body["acceptsWrites"]?.GetValue<bool>());
            // Every node has applied at least the first write: each one wrote or read after it.
            Assert.True(role.Body["applied"]?.GetValue<long>() >= version, role.Text);
        }

        cluster.AssertNoErrorsLogged();
    }
}
