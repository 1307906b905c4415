using System.Globalization;
using System.Text.Json;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.ServiceDefaults.Http;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Leases;

/// <summary>
/// The lease routes (docs/architecture.md §8.2). A lease's life is in Redis (<see cref="LeaseStore"/>: grant, keep-alive,
/// time left), its keys in the replicated state (LeaseGrant and LeaseRevoke entries through the <see cref="WriteProposer"/>).
/// Attaching a key is PUT /v1/kv/{key}?lease={id}; expiry is the coordinator's (LeaseExpirer).
/// </summary>
internal static class LeaseEndpoints
{
    /// <summary>The longest TTL a lease may be granted with: one day.</summary>
    public const long MaxTtlSeconds = 24 * 60 * 60;

    // A grant's body is one small JSON object.
    private const long MaxBodyBytes = 1024;

    private static readonly ReadOnlyMemory<byte> RevokedValue = "revoked"u8.ToArray();

    public static void MapLeaseEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var store = ActivatorUtilities.GetServiceOrCreateInstance<LeaseStore>(services);
        var replica = services.GetRequiredService<ReplicaState>();
        var gate = services.GetRequiredService<ReadGate>();
        var proposer = services.GetRequiredService<WriteProposer>();

        app.MapPost("/v1/leases", context => AnswerAsync(context, GrantAsync(context, store, proposer)))
            .RequireAccess(KvPolicies.Write).WithRequestBodyLimit(MaxBodyBytes);
        app.MapGet("/v1/leases", context => AnswerAsync(context, ListAsync(context, replica, gate))).RequireAccess(KvPolicies.Read);
        app.MapGet("/v1/leases/{id}", (HttpContext context, string id) => AnswerAsync(context, DescribeAsync(context, id, store, replica, gate)))
            .RequireAccess(KvPolicies.Read);
        app.MapPost("/v1/leases/{id}/keepalive", (HttpContext context, string id) => AnswerAsync(context, KeepAliveAsync(context, id, store, replica)))
            .RequireAccess(KvPolicies.Write).WithRequestBodyLimit(MaxBodyBytes);
        app.MapDelete("/v1/leases/{id}", (HttpContext context, string id) => AnswerAsync(context, RevokeAsync(context, id, store, proposer, replica)))
            .RequireAccess(KvPolicies.Write);
    }

    private static async Task AnswerAsync(HttpContext context, Task<IResult> handler)
    {
        IResult result;
        try
        {
            result = await handler;
        }
        catch (LogUnavailableException e)
        {
            context.Response.Headers.RetryAfter = "1";
            result = Problems.Unavailable("Leases unavailable", $"Redis, which keeps lease deadlines, could not be reached: {e.PublicReason}");
        }
        await result.ExecuteAsync(context);
    }

    private static async Task<IResult> GrantAsync(HttpContext context, LeaseStore store, WriteProposer proposer)
    {
        LeaseGrantRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, LeaseJsonContext.Default.LeaseGrantRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            // Where it breaks, not the exception's message: that names the node's own types and the reader's byte positions.
            string where = e.Path is { Length: > 0 } path ? $"at {path}, line {e.LineNumber + 1}" : $"line {e.LineNumber + 1}";
            return Problems.BadRequest("Invalid lease request",
                $"The body is not a lease request in JSON ({where}): expected {{\"ttlSeconds\": 10}}, with an optional \"id\" (16 lowercase hex digits).");
        }
        if (request?.TtlSeconds is not { } ttlSeconds || ttlSeconds < 1 || ttlSeconds > MaxTtlSeconds)
        {
            return Problems.BadRequest("Invalid TTL", $"ttlSeconds must be a whole number from 1 to {MaxTtlSeconds}.");
        }
        string id = request.Id ?? LeaseEntryFormat.NewId();
        if (!LeaseEntryFormat.IsValidId(id)) return LeaseProblems.InvalidId(id);

        var granted = await store.GrantAsync(id, TimeSpan.FromSeconds(ttlSeconds), context.RequestAborted);
        if (!granted.Granted) return Conflict(id);

        // If this append fails, the lease stays only in Redis: its deadline passes, the expirer's revoke finds no lease
        // in the state and changes nothing, and a grant that reaches the log after its deadline is refused at apply.
        var outcome = await proposer.ProposeAsync(new ProposedWrite(LogOperation.LeaseGrant, id)
        {
            Value = LeaseEntryFormat.EncodeGrant(ttlSeconds, granted.DeadlineUnixMs),
        }, context.RequestAborted);
        return MapWrite(context, id, outcome, result => result.Outcome switch
        {
            ApplyOutcome.Created => Created(context, id, ttlSeconds),
            ApplyOutcome.PreconditionFailed => Conflict(id),
            _ => Problems.Unavailable("Lease expired before it was granted",
                $"The grant reached the log after the lease's {ttlSeconds} s had passed; grant again."),
        });
    }

    private static IResult Created(HttpContext context, string id, long ttlSeconds)
    {
        context.Response.Headers.Location = "/v1/leases/" + id;
        return DirectResults.Json(new LeaseGranted(id, ttlSeconds), LeaseJsonContext.Default.LeaseGranted, StatusCodes.Status201Created);
    }

    private static IResult Conflict(string id) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Lease exists",
        detail: $"A lease '{id}' exists already; leave out the id to have one chosen.");

    private static async Task<IResult> KeepAliveAsync(HttpContext context, string id, LeaseStore store, ReplicaState replica)
    {
        if (!LeaseEntryFormat.IsValidId(id)) return LeaseProblems.InvalidId(id);
        if (LeasePrefixCheck.Refusal(context, replica.Machine, id) is { } refused) return refused;
        // Redis alone decides: a keep-alive after the deadline finds it passed, whether or not the revoke is applied yet.
        var ttl = await store.KeepAliveAsync(id, context.RequestAborted);
        return ttl is { } kept
            ? DirectResults.Json(new LeaseGranted(id, (long)kept.TotalSeconds), LeaseJsonContext.Default.LeaseGranted, StatusCodes.Status200OK)
            : LeaseProblems.NotFound(id);
    }

    private static async Task<IResult> DescribeAsync(HttpContext context, string id, LeaseStore store, ReplicaState replica, ReadGate gate)
    {
        if (!LeaseEntryFormat.IsValidId(id)) return LeaseProblems.InvalidId(id);
        if (!ReadRequest.TryParse(context.Request, out var read, out string readError)) return Problems.BadRequest("Invalid read request", readError);
        if (await gate.WaitAsync(read.Consistency, read.MinSeq, context.RequestAborted) is { } notFresh)
        {
            return Problems.Unavailable("Not caught up", notFresh);
        }
        var machine = replica.Machine;
        if (LeasePrefixCheck.Refusal(context, machine, id) is { } refused) return refused;
        long seq = machine.AppliedSeq;
        var lease = machine.GetLease(id);
        context.Response.Headers[KvEndpoints.SeqHeader] = seq.ToString(CultureInfo.InvariantCulture);
        if (lease is null) return LeaseProblems.NotFound(id);
        // Past its deadline the lease is as good as gone: its revoke is on its way into the log.
        if (await store.TimeToLiveAsync(id, context.RequestAborted) is not { } left) return LeaseProblems.NotFound(id);
        return DirectResults.Json(new LeaseDescription(id, lease.TtlSeconds, Math.Round(left.Remaining.TotalSeconds, 3), lease.Keys),
            LeaseJsonContext.Default.LeaseDescription, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ReplicaState replica, ReadGate gate)
    {
        if (!ReadRequest.TryParse(context.Request, out var read, out string readError)) return Problems.BadRequest("Invalid read request", readError);
        if (await gate.WaitAsync(read.Consistency, read.MinSeq, context.RequestAborted) is { } notFresh)
        {
            return Problems.Unavailable("Not caught up", notFresh);
        }
        var machine = replica.Machine;
        context.Response.Headers[KvEndpoints.SeqHeader] = machine.AppliedSeq.ToString(CultureInfo.InvariantCulture);
        var ids = machine.LeaseIds().Where(id => LeasePrefixCheck.Visible(context, machine, id)).ToList();
        return DirectResults.Json(new LeaseList(ids), LeaseJsonContext.Default.LeaseList, StatusCodes.Status200OK);
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, string id, LeaseStore store, WriteProposer proposer, ReplicaState replica)
    {
        if (!LeaseEntryFormat.IsValidId(id)) return LeaseProblems.InvalidId(id);
        if (LeasePrefixCheck.Refusal(context, replica.Machine, id) is { } refused) return refused;
        // Which grant of the id this revokes, so forgetting it afterwards cannot drop a later grant of the same id.
        var live = await store.TimeToLiveAsync(id, context.RequestAborted);
        var outcome = await proposer.ProposeAsync(new ProposedWrite(LogOperation.LeaseRevoke, id) { Value = RevokedValue }, context.RequestAborted);
        if (outcome is WriteOutcome.Applied { Result.Outcome: ApplyOutcome.Deleted } && live is { } grant)
        {
            // Best effort: a lease left in Redis expires later, and the expirer's revoke then finds nothing to delete.
            try
            {
                await store.ForgetAsync(id, grant.GrantedAtUnixMs, CancellationToken.None);
            }
            catch (LogUnavailableException)
            {
            }
        }
        return MapWrite(context, id, outcome, result => result.Outcome == ApplyOutcome.Deleted
            ? DirectResults.Status(StatusCodes.Status204NoContent)
            : LeaseProblems.NotFound(id));
    }

    private static IResult MapWrite(HttpContext context, string id, WriteOutcome outcome, Func<ApplyResult, IResult> onApplied)
    {
        switch (outcome)
        {
            case WriteOutcome.Applied applied:
                context.Response.Headers[KvEndpoints.SeqHeader] = applied.Seq.ToString(CultureInfo.InvariantCulture);
                return onApplied(applied.Result);
            case WriteOutcome.Refused refused:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Write refused", refused.Reason);
            case WriteOutcome.Unavailable unavailable:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Log unavailable", $"{unavailable.Reason} (lease {id})");
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome}.");
        }
    }
}
