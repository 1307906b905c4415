using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;
using static KvCluster.Tests.Compat.CompatHttp;

namespace KvCluster.Tests.Compat;

/// <summary>kevinDB's clients, unchanged, against a 3-node KvCluster: /key-value-store/{key} with causal metadata.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KevinDbTests(ITestOutputHelper output)
{
    private const string AddedPut = """{"message":"Added successfully","replaced":false}""";
    private const string UpdatedPut = """{"message":"Updated successfully","replaced":true}""";
    private const string MissingGet = """{"doesExist":false,"error":"Key does not exist","message":"Error in GET"}""";
    private const string MissingDelete = """{"doesExist":false,"error":"Key does not exist","message":"Error in DELETE"}""";

    private static string Retrieved(string valueJson) => $$"""{"doesExist":true,"message":"Retrieved successfully","value":{{valueJson}}}""";

    [Fact]
    public async Task The_readme_sequence_works_across_nodes_with_every_status_and_body_of_the_assignment()
    {
        // A short read timeout, so a read waiting for metadata that never arrives answers quickly.
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3,
            new Dictionary<string, string> { ["Kv__ReadTimeout"] = "00:00:02" });
        var (a, b, c) = (cluster.NodeClients[0], cluster.NodeClients[1], cluster.NodeClients[2]);

        // The README's walk-through: PUT on one node, read and change it on the others, passing the metadata along.
        var put = await PutAsync(a, "/key-value-store/course", KevinBody(null, "\"Distributed Systems\""));
        put.Is(HttpStatusCode.Created, AddedPut);
        var get = await GetAsync(b, "/key-value-store/course", KevinBody(put.Metadata));
        get.Is(HttpStatusCode.OK, Retrieved("\"Distributed Systems\""));
        Assert.True(long.Parse(get.Metadata, CultureInfo.InvariantCulture) >= long.Parse(put.Metadata, CultureInfo.InvariantCulture));
        var update = await PutAsync(c, "/key-value-store/course", KevinBody(get.Metadata, "138"));
        update.Is(HttpStatusCode.OK, UpdatedPut);
        (await GetAsync(a, "/key-value-store/course")).Is(HttpStatusCode.OK, Retrieved("138"));
        var delete = await DeleteAsync(b, "/key-value-store/course", KevinBody(update.Metadata));
        delete.Is(HttpStatusCode.OK, """{"doesExist":true,"message":"Deleted successfully"}""");
        (await GetAsync(c, "/key-value-store/course", KevinBody(delete.Metadata))).Is(HttpStatusCode.NotFound, MissingGet);
        (await DeleteAsync(a, "/key-value-store/course", KevinBody(delete.Metadata))).Is(HttpStatusCode.NotFound, MissingDelete);
        (await GetAsync(a, "/key-value-store/never-written")).Is(HttpStatusCode.NotFound, MissingGet);

        // Any JSON is a value, kept as JSON: the native API sees the same document with its Content-Type.
        const string document = """{"list":[1,2.5,"three",{"nested":null}],"flag":true}""";
        (await PutAsync(a, "/key-value-store/doc", KevinBody("", document))).Is(HttpStatusCode.Created, AddedPut);
        (await GetAsync(c, "/key-value-store/doc")).Is(HttpStatusCode.OK, Retrieved(document));
        using (var native = await c.GetAsync("/v1/kv/doc"))
        {
            Assert.Equal("application/json", native.Content.Headers.ContentType?.MediaType);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(document), JsonNode.Parse(await native.Content.ReadAsStringAsync())));
        }

        // A value written through the native API as text reads back as a JSON string.
        using (var text = await KvHttp.PutAsync(b, "plain", "just text")) text.EnsureSuccessStatusCode();
        (await GetAsync(a, "/key-value-store/plain")).Is(HttpStatusCode.OK, Retrieved("\"just text\""));

        // Keys: 50 characters are fine, 51 are too long.
        (await PutAsync(b, "/key-value-store/" + new string('k', 50), KevinBody("", "1"))).Is(HttpStatusCode.Created, AddedPut);
        (await PutAsync(b, "/key-value-store/" + new string('k', 51), KevinBody("", "1")))
            .Is(HttpStatusCode.BadRequest, """{"error":"Key is too long","message":"Error in PUT"}""");

        // Bad requests: each gets the assignment's 400 shape and writes nothing.
        long head = await KvHttp.HeadAsync(a);
        const string valueMissing = """{"error":"Value is missing","message":"Error in PUT"}""";
        (await PutAsync(a, "/key-value-store/k", "{}")).Is(HttpStatusCode.BadRequest, valueMissing);
        (await PutAsync(a, "/key-value-store/k", """{"value":null}""")).Is(HttpStatusCode.BadRequest, valueMissing);
        (await PutAsync(a, "/key-value-store/k", null)).Is(HttpStatusCode.BadRequest, valueMissing);
        (await PutAsync(a, "/key-value-store/k", """{"value": "unterminated""")).Is(HttpStatusCode.BadRequest,
            """{"error":"Invalid JSON","message":"Error in PUT"}""");
        (await PutAsync(a, "/key-value-store/k", "[1,2]")).Is(HttpStatusCode.BadRequest,
            """{"error":"The body must be a JSON object","message":"Error in PUT"}""");
        (await PutAsync(a, "/key-value-store/k", "value=1", "application/x-www-form-urlencoded")).Is(HttpStatusCode.BadRequest,
            """{"error":"Content-Type must be application/json","message":"Error in PUT"}""");
        (await PutAsync(a, "/key-value-store/k", """{"value":1,"causal-metadata":"yesterday"}""")).Is(HttpStatusCode.BadRequest,
            """{"error":"Causal metadata is invalid","message":"Error in PUT"}""");
        (await GetAsync(a, "/key-value-store/doc", "{not json")).Is(HttpStatusCode.BadRequest,
            """{"error":"Invalid JSON","message":"Error in GET"}""");
        (await DeleteAsync(a, "/key-value-store/doc", "{not json")).Is(HttpStatusCode.BadRequest,
            """{"error":"Invalid JSON","message":"Error in DELETE"}""");
        Assert.Equal(head, await KvHttp.HeadAsync(a));

        // Causal metadata is honoured: a read carrying the seq of a write not yet made waits for it rather than
        // answering from older state ...
        string next = (head + 1).ToString(CultureInfo.InvariantCulture);
        var waitingRead = GetAsync(b, "/key-value-store/later", KevinBody(next));
        (await PutAsync(c, "/key-value-store/later", KevinBody("", "\"written after the read began\""))).Is(HttpStatusCode.Created, AddedPut);
        (await waitingRead).Is(HttpStatusCode.OK, Retrieved("\"written after the read began\""));
        // ... and metadata no write ever reaches is refused after the read timeout, never answered stale.
        var future = await GetAsync(a, "/key-value-store/later", KevinBody((head + 1000).ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, future.Status);
        Assert.Equal("Error in GET", future.Body["message"]?.GetValue<string>());

        cluster.AssertNoErrorsLogged();
    }
}
