using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>What an operator asks of one node from the dashboard, over the node's own HTTP API.</summary>
public static class NodeCommands
{
    /// <summary>The command that writes the node's snapshot now.</summary>
    public const string SnapshotNow = "snapshot-now";
    /// <summary>The command that shows the node's applied seq and state digest.</summary>
    public const string StateDigest = "state-digest";

    /// <summary>
    /// The commands, sending the admin token <paramref name="adminToken"/> gives when a command runs (with --auth and in a
    /// deployment) as a client would: snapshot now takes an admin. With --token-file alone the AppHost holds no token, and
    /// the node answers 401.
    /// </summary>
    public static IResourceBuilder<TNode> WithNodeCommands<TNode>(this IResourceBuilder<TNode> node, Func<ParameterResource?> adminToken)
        where TNode : IResourceWithEndpoints =>
        node
            .WithHttpCommand("/v1/node/snapshot", "Snapshot now", commandName: SnapshotNow, commandOptions: new HttpCommandOptions
            {
                Description = "Write this node's whole state to its snapshot file now, so a restart replays less of the log.",
                IconName = "Save",
                PrepareRequest = context => AuthorizeAsync(context, adminToken),
                GetCommandResult = ShowBodyAsync,
            })
            .WithHttpCommand("/v1/node", "State digest", commandName: StateDigest, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Get,
                // The path is taken as a path (a '?' in it would be escaped): the query goes on here.
                PrepareRequest = context =>
                {
                    context.Request.RequestUri = new UriBuilder(context.Request.RequestUri!) { Query = "digest=true" }.Uri;
                    return AuthorizeAsync(context, adminToken);
                },
                Description = "This node's applied seq and a digest of its whole state: replicas at the same seq hold the same data " +
                              "exactly when their digests are equal.",
                IconName = "DocumentSearch",
                GetCommandResult = ShowBodyAsync,
            });

    private static async Task AuthorizeAsync(HttpCommandRequestContext context, Func<ParameterResource?> adminTokenParameter)
    {
        if (adminTokenParameter() is not { } adminToken) return;
        string? token = await adminToken.GetValueAsync(context.CancellationToken).ConfigureAwait(false);
        if (token is not null) context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    // The dashboard shows the node's JSON answer, or its problem details when it refused.
    private static async Task<ExecuteCommandResult> ShowBodyAsync(HttpCommandResultContext context)
    {
        string body = await context.Response.Content.ReadAsStringAsync(context.CancellationToken).ConfigureAwait(false);
        return context.Response.IsSuccessStatusCode
            ? CommandResults.Success("Done", body, CommandResultFormat.Json)
            : CommandResults.Failure($"{(int)context.Response.StatusCode} {context.Response.ReasonPhrase}", body, CommandResultFormat.Json);
    }
}
