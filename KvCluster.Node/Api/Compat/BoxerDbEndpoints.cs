using System.Globalization;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using Microsoft.Extensions.Options;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// boxer-db's API (/api/v1/{key}) over the replicated log. Unlike boxer-db, every node accepts writes: there is no
/// leader to forward to and never a 403. Reads are linearizable unless the request asks otherwise the native way
/// (?consistency=, X-Kv-Consistency, X-Kv-Min-Seq). GET /api/v1/role is the node's role, so a key named "role" is
/// written here but read through /v1/kv/role.
/// </summary>
internal static class BoxerDbEndpoints
{
    private const string KeyRoutePrefix = "/api/v1/";

    public static void MapBoxerDbEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(KeyRoutePrefix + "role", Role).RequireAccess(KvPolicies.Read);
        app.MapGet(KeyRoutePrefix + "{**key}", GetAsync).RequireAccess(KvPolicies.ReadKey);
        app.MapPut(KeyRoutePrefix + "{**key}", PutAsync).RequireAccess(KvPolicies.WriteKey);
        app.MapPost(KeyRoutePrefix + "{**key}", PutAsync).RequireAccess(KvPolicies.WriteKey);
        app.MapDelete(KeyRoutePrefix + "{**key}", DeleteAsync).RequireAccess(KvPolicies.WriteKey);
    }

    private static IResult Role(ReplicaState replica, IOptions<NodeOptions> options) =>
        Results.Json(new BoxerRole("replica", options.Value.NodeId, AcceptsWrites: replica.Divergence is null,
            replica.Applied.Value, replica.KnownHead, replica.CaughtUp), CompatJsonContext.Default.BoxerRole);

    private static async Task<IResult> GetAsync(HttpContext context, ReplicaState replica, ReadGate gate)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError)) return Error(400, keyError);
        if (!ReadRequest.TryParse(context.Request, out var read, out string readError)) return Error(400, readError);
        if (await gate.WaitAsync(read.Consistency, read.MinSeq, context.RequestAborted) is { } notFresh) return Error(503, notFresh);

        var machine = replica.Machine;
        bool found = machine.TryGet(key, out var record);
        SetSeq(context, machine.AppliedSeq);
        if (!found) return Error(404, "key not found", key);
        return Results.Json(new BoxerValueAnswer(StoredValueJson.ToJson(record!)), CompatJsonContext.Default.BoxerValueAnswer);
    }

    private static async Task<IResult> PutAsync(HttpContext context, WriteProposer proposer, IOptions<NodeOptions> options)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError)) return Error(400, keyError);
        var bytes = await CompatBody.ReadAsync(context, options);
        if (bytes is null) return Error(413, "request body is too large");
        if (!CompatRequestBody.TryParse(bytes, context.Request.ContentType, out var body, out string bodyError))
        {
            return Error(400, bodyError);
        }
        if (body.Value is not { } value) return Error(400, "value is missing", key);
        if (value.Length > options.Value.MaxValueBytes)
        {
            return Error(413, $"value is too large (the limit is {options.Value.MaxValueBytes} bytes)", key);
        }

        var outcome = await proposer.ProposeAsync(LogOperation.Put, key, value, StoredValueJson.ContentType, Precondition.None, "",
            context.RequestAborted);
        return MapWrite(context, key, outcome, result =>
            Results.Json(new BoxerWriteAnswer(key, result.Version, result.Outcome == ApplyOutcome.Created),
                CompatJsonContext.Default.BoxerWriteAnswer));
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, WriteProposer proposer)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError)) return Error(400, keyError);
        var outcome = await proposer.ProposeAsync(LogOperation.Delete, key, ReadOnlyMemory<byte>.Empty, "", Precondition.None, "",
            context.RequestAborted);
        return MapWrite(context, key, outcome, result => result.Outcome == ApplyOutcome.Deleted
            ? Results.Json(new BoxerDeleteAnswer(key, Deleted: true), CompatJsonContext.Default.BoxerDeleteAnswer)
            : Error(404, "key not found", key));
    }

    private static IResult MapWrite(HttpContext context, string key, WriteOutcome outcome, Func<ApplyResult, IResult> onApplied)
    {
        switch (outcome)
        {
            case WriteOutcome.Applied applied:
                SetSeq(context, applied.Seq);
                return onApplied(applied.Result);
            case WriteOutcome.Refused refused:
                context.Response.Headers.RetryAfter = "1";
                return Error(503, refused.Reason, key);
            case WriteOutcome.Unavailable unavailable:
                context.Response.Headers.RetryAfter = "1";
                return Error(503, unavailable.Reason, key);
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome}.");
        }
    }

    private static IResult Error(int status, string error, string? key = null) =>
        Results.Json(new BoxerError(error, key), CompatJsonContext.Default.BoxerError, statusCode: status);

    private static void SetSeq(HttpContext context, long seq) =>
        context.Response.Headers[KvEndpoints.SeqHeader] = seq.ToString(CultureInfo.InvariantCulture);
}
