using System.Net;
using KvCluster.Coordinator.Compaction;
using KvCluster.Log.Membership;
using KvCluster.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;

namespace KvCluster.Tests.Security;

/// <summary>
/// The routes only services call (the coordinator's POST /v1/append, a node's GET /v1/internal/snapshot) answer
/// only callers showing the cluster's internal key, with client tokens on or off, and an admin token is no key.
/// </summary>
public abstract class InternalKeyTests(InProcessServices services)
{
    /// <summary>No key, an empty one, one character off, a prefix of it, and an admin client token instead.</summary>
    public static TheoryData<string?> WrongKeys => [null, "", "in-process-test-internal-kez", TestInternalKey.Value[..^1], "admin-bearer"];

    private static HttpRequestMessage Append(string key, string? internalKey)
    {
        var request = ForgedAppend.Request(key);
        ShowKey(request, internalKey);
        return request;
    }

    private static void ShowKey(HttpRequestMessage request, string? internalKey)
    {
        if (internalKey == "admin-bearer") request.WithToken(TestTokens.Admin);
        else if (internalKey is not null) request.Headers.TryAddWithoutValidation(InternalKey.HeaderName, internalKey);
    }

    [Theory]
    [MemberData(nameof(WrongKeys))]
    public async Task An_append_without_the_internal_key_is_401_and_appends_nothing(string? shown)
    {
        long head = await services.Log.ReadHeadAsync();
        using var http = new HttpClient { BaseAddress = services.Coordinator.BaseAddress };

        string forged = "forged/" + Guid.NewGuid().ToString("N");
        using var response = await http.SendAsync(Append(forged, shown));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(head, await services.Log.ReadHeadAsync());
        var entries = await services.Log.ReadAfterAsync(0, 100_000);
        Assert.DoesNotContain(entries, entry => entry.Key == forged);
    }

    [Fact]
    public async Task An_append_with_the_internal_key_is_sequenced()
    {
        long head = await services.Log.ReadHeadAsync();
        using var http = new HttpClient { BaseAddress = services.Coordinator.BaseAddress };

        using var response = await http.SendAsync(Append("keyed/" + Guid.NewGuid().ToString("N"), TestInternalKey.Value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await services.Log.ReadHeadAsync() > head);
    }

    [Theory]
    [MemberData(nameof(WrongKeys))]
    public async Task A_snapshot_without_the_internal_key_is_401_and_sends_no_state(string? shown)
    {
        using var http = new HttpClient { BaseAddress = services.Node.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/internal/snapshot");
        ShowKey(request, shown);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("X-Kv-Snapshot-Seq"));
    }

    [Fact]
    public async Task The_coordinators_snapshot_fetch_shows_the_key_and_gets_the_snapshot()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([TestInternalKey.Setting]).Build();
        var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        collection.AddSnapshotSource();
        await using var provider = collection.BuildServiceProvider();
        var member = new ClusterMember { Id = "node-1", Url = services.Node.BaseAddress.ToString(), Health = "healthy" };

        using var snapshot = await provider.GetRequiredService<SnapshotSource>().FetchAsync(member, CancellationToken.None);

        Assert.True(snapshot.Seq >= 0);
        Assert.True(snapshot.Body.ReadByte() >= 0);
    }

    [Fact]
    public async Task A_write_through_the_node_reaches_the_log_the_node_shows_the_key()
    {
        using var http = new HttpClient { BaseAddress = services.Node.BaseAddress };
        var request = Request.Put("/v1/kv/through-the-node", "v").WithToken(TestTokens.Admin);

        using var response = await http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class InternalKeyWithTokensTests(SecuredServices services) : InternalKeyTests(services), IClassFixture<SecuredServices>;

public sealed class InternalKeyWithoutTokensTests(OpenServices services) : InternalKeyTests(services), IClassFixture<OpenServices>
{
    [Fact]
    public async Task Client_routes_need_no_token_when_tokens_are_off()
    {
        using var http = new HttpClient { BaseAddress = services.Node.BaseAddress };
        using var write = await http.SendAsync(Request.Put("/v1/kv/open", "v"));
        using var read = await http.GetAsync("/v1/kv/open");
        using var node = await http.GetAsync("/v1/node");

        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, node.StatusCode);
    }
}
