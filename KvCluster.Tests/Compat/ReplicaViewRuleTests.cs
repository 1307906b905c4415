using KvCluster.Node.Api.Compat;
using KvCluster.Log.Membership;

namespace KvCluster.Tests.Compat;

/// <summary>The kevinDB view rule: live members, plus addresses added by hand, minus those hidden by hand.</summary>
public sealed class ReplicaViewRuleTests
{
    private static ClusterMember Member(string id, int port, string health = "healthy") =>
        new() { Id = id, Url = $"http://127.0.0.1:{port}", Health = health };

    private static ReplicaViewRule Rule(IReadOnlyList<ClusterMember> members, string[]? added = null, string[]? hidden = null) =>
        new(members, new ViewOverrideSets(new HashSet<string>(added ?? []), new HashSet<string>(hidden ?? [])));

    [Fact]
    public void The_view_lists_live_members_and_added_addresses_less_hidden_ones_sorted_by_host_then_port()
    {
        var members = new[]
        {
            Member("node-10", 5110), Member("node-2", 5102), Member("node-3", 5103, "catching-up"),
            Member("node-4", 5104, "down"), Member("node-5", 5105),
        };
        var rule = Rule(members, added: ["10.0.0.1:80", "127.0.0.1:9000"], hidden: ["127.0.0.1:5105"]);

        Assert.Equal(["10.0.0.1:80", "127.0.0.1:5102", "127.0.0.1:5103", "127.0.0.1:5110", "127.0.0.1:9000"], rule.View());
        Assert.False(rule.Contains("127.0.0.1:5104"));
        Assert.True(rule.IsMemberAddress("127.0.0.1:5104"));
        Assert.False(rule.IsMemberAddress("10.0.0.1:80"));
    }

    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("node-1.internal:13800", true)]
    [InlineData("[::1]:5101", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1:0", false)]
    [InlineData("127.0.0.1:65536", false)]
    [InlineData(":8080", false)]
    [InlineData("bad host:80", false)]
    public void Socket_addresses_are_host_and_port(string address, bool valid) =>
        Assert.Equal(valid, SocketAddress.IsValid(address));
}
