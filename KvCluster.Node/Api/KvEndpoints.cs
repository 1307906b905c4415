using System.Globalization;
using KvCluster.Log.Redis;
using KvCluster.Node.Leases;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api;

/// <summary>
/// The client API of docs/architecture.md §4. Endpoints only validate and map: writes go to the
/// <see cref="WriteProposer"/>, reads wait at the <see cref="ReadGate"/> and then look at the replica's state machine.
/// </summary>
internal static class KvEndpoints
{
    private const string KeyRoutePrefix = "/v1/kv/";
    public const string SeqHeader = "X-Kv-Seq";
    private const int MaxIdempotencyKeyLength = 256;
    private const int MaxContentTypeLength = 256;
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static void MapKvEndpoints(this IEndpointRouteBuilder app)
    {
        // The services are singletons, taken once here: parameters bound from services would open a DI scope per request.
        var services = app.ServiceProvider;
        var replica = services.GetRequiredService<ReplicaState>();
        var gate = services.GetRequiredService<ReadGate>();
        var metrics = services.GetRequiredService<NodeMetrics>();
        var proposer = services.GetRequiredService<WriteProposer>();
        var options = services.GetRequiredService<IOptions<NodeOptions>>();
        var leases = ActivatorUtilities.GetServiceOrCreateInstance<LeaseStore>(services);
        app.MapGet("/v1/kv/{**key}", context => GetAsync(context, replica, gate, metrics)).RequireAccess(KvPolicies.ReadKey);
        app.MapPut("/v1/kv/{**key}", context => AnswerAsync(context, PutAsync(context, proposer, options, leases))).RequireAccess(KvPolicies.WriteKey);
        app.MapDelete("/v1/kv/{**key}", context => AnswerAsync(context, DeleteAsync(context, proposer))).RequireAccess(KvPolicies.WriteKey);
        app.MapGet("/v1/kv", context => AnswerAsync(context, ListAsync(context, replica, gate, metrics))).RequireAccess(KvPolicies.ListKeys);
    }

    private static async Task AnswerAsync(HttpContext context, Task<IResult> handler) => await (await handler).ExecuteAsync(context);

    // The busiest route: a read the gate lets through at once (a local one, say) is answered without an async
    // state machine or a result object; only a read that waits for the log takes the async path.
    private static Task GetAsync(HttpContext context, ReplicaState replica, ReadGate gate, NodeMetrics metrics)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError))
        {
            return Problems.BadRequest("Invalid key", keyError).ExecuteAsync(context);
        }
        if (!ReadRequest.TryParse(context.Request, out var read, out string readError))
        {
            return Problems.BadRequest("Invalid read request", readError).ExecuteAsync(context);
        }
        var waiting = gate.WaitAsync(read.Consistency, read.MinSeq, context.RequestAborted);
        return waiting.IsCompletedSuccessfully
            ? AnswerRead(context, key, read.Consistency, waiting.Result, replica, metrics)
            : AnswerReadAfterAsync(context, key, read.Consistency, waiting, replica, metrics);
    }

    private static async Task AnswerReadAfterAsync(HttpContext context, string key, ReadConsistency consistency, Task<string?> waiting,
        ReplicaState replica, NodeMetrics metrics) =>
        await AnswerRead(context, key, consistency, await waiting, replica, metrics);

    private static Task AnswerRead(HttpContext context, string key, ReadConsistency consistency, string? notFresh, ReplicaState replica,
        NodeMetrics metrics)
    {
        if (notFresh is not null)
        {
            metrics.RecordRead(consistency, "not_fresh");
            return Problems.Unavailable("Not caught up", notFresh).ExecuteAsync(context);
        }

        var machine = replica.Machine;
        bool found = machine.TryGet(key, out var record);
        metrics.RecordRead(consistency, found ? "found" : "not_found");
        SetSeq(context, machine.AppliedSeq);
        if (!found) return Problems.NotFound(key).ExecuteAsync(context);

        context.Response.Headers.ETag = WritePreconditions.FormatVersionTag(record!.Version);
        string contentType = record.ContentType.Length > 0 ? record.ContentType : "application/octet-stream";
        return DirectResults.WriteBytesAsync(context, record.Value, contentType);
    }

    private static async Task<IResult> PutAsync(HttpContext context, WriteProposer proposer, IOptions<NodeOptions> options, LeaseStore leases)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError)) return Problems.BadRequest("Invalid key", keyError);
        if (!WritePreconditions.TryParse(context.Request, allowCreateOnly: true, out var precondition, out string preconditionError))
        {
            return Problems.BadRequest("Invalid precondition", preconditionError);
        }
        if (!TryGetIdempotencyKey(context.Request, out string idempotencyKey, out string idempotencyError))
        {
            return Problems.BadRequest("Invalid Idempotency-Key", idempotencyError);
        }
        // ?lease={id} attaches the key to a lease (docs/architecture.md §8.2); whether it exists is decided at apply.
        string lease = context.Request.Query["lease"].ToString();
        if (lease.Length > 0 && !LeaseEntryFormat.IsValidId(lease)) return LeaseProblems.InvalidId(lease);
        string contentType = context.Request.ContentType ?? "";
        if (contentType.Length > MaxContentTypeLength)
        {
            return Problems.BadRequest("Invalid Content-Type", $"Content-Type is limited to {MaxContentTypeLength} characters.");
        }

        int limit = options.Value.MaxValueBytes;
        var value = await BodyReader.ReadAsync(context.Request, limit, context.RequestAborted);
        if (value is null) return Problems.TooLarge(limit);
        // A lease past its deadline in Redis is answered 404 at once, rather than attaching a key its revoke, already on
        // its way, would delete. The state decides all the same: a revoke that lands first makes the put LeaseNotFound.
        // Not for a request with an Idempotency-Key: its retry must get the answer the first attempt got.
        if (lease.Length > 0 && idempotencyKey.Length == 0 && await LeaseLiveAsync(leases, lease, context.RequestAborted) is { } leaseAnswer)
        {
            return leaseAnswer;
        }

        var outcome = await proposer.ProposeAsync(new ProposedWrite(LogOperation.Put, key)
        {
            Value = value,
            ContentType = contentType,
            Precondition = precondition,
            IdempotencyKey = idempotencyKey,
            Lease = lease,
        }, context.RequestAborted);
        if (outcome is WriteOutcome.Applied { Result.Outcome: ApplyOutcome.LeaseNotFound } unleased)
        {
            SetSeq(context, unleased.Seq);
            return LeaseProblems.NotFound(lease);
        }
        return MapWrite(context, key, outcome, result => result.Outcome switch
        {
            ApplyOutcome.Created => DirectResults.Json(new PutResponse(key, result.Version, true), NodeJsonContext.Default.PutResponse,
                StatusCodes.Status201Created),
            _ => DirectResults.Json(new PutResponse(key, result.Version, false), NodeJsonContext.Default.PutResponse, StatusCodes.Status200OK),
        });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, WriteProposer proposer)
    {
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError)) return Problems.BadRequest("Invalid key", keyError);
        if (!WritePreconditions.TryParse(context.Request, allowCreateOnly: false, out var precondition, out string preconditionError))
        {
            return Problems.BadRequest("Invalid precondition", preconditionError);
        }
        if (!TryGetIdempotencyKey(context.Request, out string idempotencyKey, out string idempotencyError))
        {
            return Problems.BadRequest("Invalid Idempotency-Key", idempotencyError);
        }

        var outcome = await proposer.ProposeAsync(LogOperation.Delete, key, ReadOnlyMemory<byte>.Empty, "", precondition, idempotencyKey,
            context.RequestAborted);
        return MapWrite(context, key, outcome, _ => DirectResults.Status(StatusCodes.Status204NoContent));
    }

    private static async Task<IResult> ListAsync(HttpContext context, ReplicaState replica, ReadGate gate, NodeMetrics metrics)
    {
        if (!ReadRequest.TryParse(context.Request, out var read, out string readError)) return Problems.BadRequest("Invalid read request", readError);
        var query = context.Request.Query;
        string prefix = query["prefix"].FirstOrDefault() ?? "";
        string? after = query["after"].FirstOrDefault();
        int limit = DefaultPageSize;
        if (query["limit"].FirstOrDefault() is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxPageSize))
        {
            return Problems.BadRequest("Invalid limit", $"limit must be an integer from 1 to {MaxPageSize}.");
        }
        if (await gate.WaitAsync(read.Consistency, read.MinSeq, context.RequestAborted) is { } notFresh)
        {
            metrics.RecordRead(read.Consistency, "not_fresh");
            return Problems.Unavailable("Not caught up", notFresh);
        }

        metrics.RecordRead(read.Consistency, "listed");
        var machine = replica.Machine;
        var page = machine.List(prefix, string.IsNullOrEmpty(after) ? null : after, limit);
        SetSeq(context, machine.AppliedSeq);
        var items = new List<ListItem>(page.Items.Count);
        foreach (var item in page.Items) items.Add(new ListItem(item.Key, item.Version, item.Size));
        return Results.Json(new ListResponse(items, page.NextAfter), NodeJsonContext.Default.ListResponse);
    }

    // Null when the lease is live in Redis; else the answer (404, or 503 when Redis cannot say).
    private static async Task<IResult?> LeaseLiveAsync(LeaseStore leases, string lease, CancellationToken cancellationToken)
    {
        try
        {
            return await leases.TimeToLiveAsync(lease, cancellationToken) is null ? LeaseProblems.NotFound(lease) : null;
        }
        catch (KvCluster.Log.LogUnavailableException e)
        {
            return Problems.Unavailable("Leases unavailable", $"Redis, which keeps lease deadlines, could not be reached: {e.PublicReason}");
        }
    }

    private static IResult MapWrite(HttpContext context, string key, WriteOutcome outcome, Func<ApplyResult, IResult> onSuccess)
    {
        switch (outcome)
        {
            case WriteOutcome.Applied applied:
                SetSeq(context, applied.Seq);
                var result = applied.Result;
                switch (result.Outcome)
                {
                    case ApplyOutcome.PreconditionFailed:
                        return Problems.PreconditionFailed(key, result.Version);
                    case ApplyOutcome.NotFound:
                        return Problems.NotFound(key);
                    default:
                        if (result.Outcome != ApplyOutcome.Deleted) context.Response.Headers.ETag = WritePreconditions.FormatVersionTag(result.Version);
                        return onSuccess(result);
                }
            case WriteOutcome.Refused refused:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Write refused", refused.Reason);
            case WriteOutcome.Unavailable unavailable:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Log unavailable",
                    unavailable.Reason + " Retry with the same Idempotency-Key to make the retry safe.");
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome}.");
        }
    }

    internal static bool TryGetIdempotencyKey(HttpRequest request, out string idempotencyKey, out string error)
    {
        idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        error = "";
        if (idempotencyKey.Length == 0) return true;
        if (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c < 0x21 || c > 0x7E))
        {
            error = $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters.";
            return false;
        }
        return true;
    }

    private static void SetSeq(HttpContext context, long seq) =>
        context.Response.Headers[SeqHeader] = seq.ToString(CultureInfo.InvariantCulture);
}
