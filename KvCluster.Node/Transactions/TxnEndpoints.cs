using System.Globalization;
using KvCluster.Log.Entries;
using KvCluster.Node.Api;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.ServiceDefaults.Http;
using KvCluster.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace KvCluster.Node.Transactions;

/// <summary>
/// <c>POST /v1/txn</c> (docs/architecture.md §8.3): validates the JSON body, encodes the transaction into one
/// <see cref="LogOperation.Txn"/> entry, proposes it like any write and answers what this replica's state machine
/// decided when it applied it.
/// </summary>
internal static class TxnEndpoints
{
    public const string Route = "/v1/txn";

    public static void MapTxnEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var proposer = services.GetRequiredService<WriteProposer>();
        var metrics = services.GetRequiredService<NodeMetrics>();
        var limits = TxnLimits.From(services.GetRequiredService<IConfiguration>(),
            services.GetRequiredService<IOptions<NodeOptions>>().Value.MaxValueBytes);
        // The Write role: a transaction may write. Which keys it names is known only once the body is parsed, so a
        // token's prefix is checked in the endpoint (403 problem details), not by a policy that would read the body.
        app.MapPost(Route, async context => await (await TxnAsync(context, proposer, metrics, limits)).ExecuteAsync(context))
            .RequireAccess(KvPolicies.Write)
            .WithRequestBodyLimit(limits.RequestBodyBytes);
    }

    private static async Task<IResult> TxnAsync(HttpContext context, WriteProposer proposer, NodeMetrics metrics, TxnLimits limits)
    {
        if (!KvEndpoints.TryGetIdempotencyKey(context.Request, out string idempotencyKey, out string idempotencyError))
        {
            return Problems.BadRequest("Invalid Idempotency-Key", idempotencyError);
        }
        var body = await BodyReader.ReadAsync(context.Request, (int)Math.Min(limits.RequestBodyBytes, Array.MaxLength), context.RequestAborted);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Transaction too large",
                $"The body is over {limits.RequestBodyBytes} bytes: twice Kv:Txn:MaxBytes ({limits.MaxBytes}) and 64 KiB.");
        }
        if (!TxnRequest.TryParse(body, limits, out var transaction, out var invalid)) return Problem(invalid.Status, invalid.Title, invalid.Detail);

        string? prefix = context.User.FindFirst(KvRoles.PrefixClaim)?.Value;
        if (!string.IsNullOrEmpty(prefix) && TxnRequest.FirstKeyOutside(transaction, prefix) is { } outside)
        {
            return Problem(StatusCodes.Status403Forbidden, "Forbidden",
                $"The transaction names key '{outside}', outside this token's prefix '{prefix}'; every key it compares or touches must be within it.");
        }

        var outcome = await proposer.ProposeAsync(new ProposedWrite(LogOperation.Txn, "")
        {
            Value = TxnCodec.Encode(transaction),
            IdempotencyKey = idempotencyKey,
        }, context.RequestAborted);

        switch (outcome)
        {
            case WriteOutcome.Applied { Result: var result }:
                context.Response.Headers[KvEndpoints.SeqHeader] = result.Version.ToString(CultureInfo.InvariantCulture);
                switch (result.Outcome)
                {
                    case ApplyOutcome.TxnSucceeded or ApplyOutcome.TxnFailed:
                        bool succeeded = result.Outcome == ApplyOutcome.TxnSucceeded;
                        metrics.RecordTransaction(succeeded);
                        return DirectResults.Json(Answer(transaction, succeeded, result), NodeJsonContext.Default.TxnResponse, StatusCodes.Status200OK);
                    case ApplyOutcome.TxnMalformed:
                        return Problem(StatusCodes.Status500InternalServerError, "Transaction not applied",
                            $"The log entry at seq {result.Version} did not decode as a transaction on this node; nothing changed.");
                    default:
                        // The Idempotency-Key was first used by a PUT or DELETE: its record answers that write, not this.
                        return Problem(StatusCodes.Status409Conflict, "Idempotency-Key already used",
                            "This Idempotency-Key was first used by a write that is not a transaction; use a new key for the transaction.");
                }
            case WriteOutcome.Refused refused:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Write refused", refused.Reason);
            case WriteOutcome.Unavailable unavailable:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable("Log unavailable", unavailable.Reason + " Retry with the same Idempotency-Key to make the retry safe.");
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome}.");
        }
    }

    // What this replica applied, operation by operation; a replay (no per-operation results kept) is answered from the
    // retried request's own branch: puts' versions (the seq), and no more.
    private static TxnResponse Answer(Transaction transaction, bool succeeded, ApplyResult result)
    {
        if (result.Txn is { } applied) return new TxnResponse(succeeded, result.Version, applied.Results.Select(TxnOpResponse.Of).ToList());
        var branch = succeeded ? transaction.Success : transaction.Failure;
        return new TxnResponse(succeeded, result.Version, branch.Select(op => TxnOpResponse.Replayed(op, result.Version)).ToList()) { Replayed = true };
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(title: title, detail: detail, statusCode: status);
}
