using KvCluster.Tests.ServiceDefaults;

namespace KvCluster.Tests.Security;

/// <summary>
/// Every client route of a node and of the coordinator, hosted in-process with client tokens on, asked by every kind
/// of caller (<see cref="AccessMatrix"/>). The same matrix against a cluster the AppHost started with --auth is in
/// <see cref="AuthClusterTests"/>.
/// </summary>
public sealed class AccessMatrixTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    private static readonly RoleTokens Tokens = new(TestTokens.Reader, TestTokens.Writer, TestTokens.Admin);

    public static TheoryData<string> Callers => new(AccessMatrix.Callers);

    [Theory]
    [MemberData(nameof(Callers))]
    public Task Every_node_route_answers_each_caller_by_its_role(string caller) => CheckAsync(services.Node, ClientRoutes.Node, caller);

    [Theory]
    [MemberData(nameof(Callers))]
    public Task Every_coordinator_client_route_answers_each_caller_by_its_role(string caller) =>
        CheckAsync(services.Coordinator, ClientRoutes.Coordinator, caller);

    private static async Task CheckAsync(LoopbackServer server, ClientRoute[] routes, string caller)
    {
        var wrong = await AccessMatrix.CheckAsync(server.BaseAddress, routes, caller, Tokens);
        Assert.True(wrong.Count == 0, $"Caller '{caller}':\n" + string.Join('\n', wrong));
    }
}
