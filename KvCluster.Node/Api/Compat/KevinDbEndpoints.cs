using System.Globalization;
using System.Text;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;
using Microsoft.Extensions.Options;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// kevinDB's key-value API (/key-value-store/{key}), with the status codes and messages of the course assignment
/// it implements, over the same replicated log as /v1/kv. Values are any JSON, stored as their raw JSON text with
/// Content-Type application/json. Every answer carries "causal-metadata" (<see cref="CausalMetadata"/>); a read
/// without it is linearizable, a read with it is a session read from that seq.
/// </summary>
internal static class KevinDbEndpoints
{
    private const string KeyRoutePrefix = "/key-value-store/";

    /// <summary>The assignment's key limit; longer keys are refused on PUT.</summary>
    public const int MaxKeyCharacters = 50;

    public static void MapKevinDbEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut(KeyRoutePrefix + "{**key}", PutAsync).RequireAccess(KvPolicies.WriteKey);
        app.MapGet(KeyRoutePrefix + "{**key}", GetAsync).RequireAccess(KvPolicies.ReadKey);
        app.MapDelete(KeyRoutePrefix + "{**key}", DeleteAsync).RequireAccess(KvPolicies.WriteKey);
    }

    private static async Task<IResult> PutAsync(HttpContext context, WriteProposer proposer, IOptions<NodeOptions> options)
    {
        const string failed = "Error in PUT";
        var request = await ReadRequestAsync(context, options, failed, withValue: true);
        if (request.Refusal is { } refusal) return refusal;
        if (KeyCharacters(request.Key) > MaxKeyCharacters) return Error(400, "Key is too long", failed, request.MinSeq);
        if (request.Body.Value is not { } value) return Error(400, "Value is missing", failed, request.MinSeq);
        if (value.Length > options.Value.MaxValueBytes)
        {
            return Error(413, $"Value is too large (the limit is {options.Value.MaxValueBytes} bytes)", failed, request.MinSeq);
        }

        var outcome = await proposer.ProposeAsync(LogOperation.Put, request.Key, value, StoredValueJson.ContentType, Precondition.None, "",
            context.RequestAborted);
        return MapWrite(context, outcome, failed, request.MinSeq, (result, metadata) => result.Outcome == ApplyOutcome.Created
            ? Answer(201, new KevinDbAnswer { Message = "Added successfully", Replaced = false, CausalMetadata = metadata })
            : Answer(200, new KevinDbAnswer { Message = "Updated successfully", Replaced = true, CausalMetadata = metadata }));
    }

    private static async Task<IResult> GetAsync(HttpContext context, ReplicaState replica, ReadGate gate, IOptions<NodeOptions> options)
    {
        const string failed = "Error in GET";
        var request = await ReadRequestAsync(context, options, failed, withValue: false);
        if (request.Refusal is { } refusal) return refusal;

        var consistency = request.MinSeq > 0 ? ReadConsistency.Session : ReadConsistency.Linearizable;
        if (await gate.WaitAsync(consistency, request.MinSeq, context.RequestAborted) is { } notFresh)
        {
            return Error(503, notFresh, failed, request.MinSeq);
        }
        var machine = replica.Machine;
        bool found = machine.TryGet(request.Key, out var record);
        long seq = machine.AppliedSeq;
        SetSeq(context, seq);
        string metadata = CausalMetadata.Format(Math.Max(seq, request.MinSeq));
        if (!found)
        {
            return Answer(404, new KevinDbAnswer
            {
                DoesExist = false, Error = "Key does not exist", Message = failed, CausalMetadata = metadata,
            });
        }
        return Answer(200, new KevinDbAnswer
        {
            DoesExist = true, Message = "Retrieved successfully", Value = StoredValueJson.ToJson(record!), CausalMetadata = metadata,
        });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, WriteProposer proposer, IOptions<NodeOptions> options)
    {
        const string failed = "Error in DELETE";
        var request = await ReadRequestAsync(context, options, failed, withValue: false);
        if (request.Refusal is { } refusal) return refusal;

        var outcome = await proposer.ProposeAsync(LogOperation.Delete, request.Key, ReadOnlyMemory<byte>.Empty, "", Precondition.None, "",
            context.RequestAborted);
        return MapWrite(context, outcome, failed, request.MinSeq, (result, metadata) => result.Outcome == ApplyOutcome.Deleted
            ? Answer(200, new KevinDbAnswer { DoesExist = true, Message = "Deleted successfully", CausalMetadata = metadata })
            : Answer(404, new KevinDbAnswer { DoesExist = false, Error = "Key does not exist", Message = failed, CausalMetadata = metadata }));
    }

    /// <summary>What every kevinDB request starts with: the body, its causal metadata, the key — or the 4xx refusing them.</summary>
    private readonly record struct KevinDbRequest(string Key, CompatRequestBody Body, long MinSeq, IResult? Refusal);

    private static async Task<KevinDbRequest> ReadRequestAsync(HttpContext context, IOptions<NodeOptions> options, string failed,
        bool withValue)
    {
        var bytes = withValue ? await CompatBody.ReadAsync(context, options) : await CompatBody.ReadEnvelopeAsync(context);
        if (bytes is null) return Refuse(Error(413, "Request body is too large", failed, 0));
        if (!CompatRequestBody.TryParse(bytes, context.Request.ContentType, out var body, out string bodyError))
        {
            return Refuse(Error(400, bodyError, failed, 0));
        }
        if (!CausalMetadata.TryParse(body.CausalMetadata, out long minSeq))
        {
            return Refuse(Error(400, "Causal metadata is invalid", failed, 0));
        }
        if (!KeyPath.TryGetKey(context, KeyRoutePrefix, out string key, out string keyError))
        {
            return Refuse(Error(400, "Key is invalid: " + keyError, failed, minSeq));
        }
        return new KevinDbRequest(key, body, minSeq, null);

        static KevinDbRequest Refuse(IResult refusal) => new("", default!, 0, refusal);
    }

    private static IResult MapWrite(HttpContext context, WriteOutcome outcome, string failed, long minSeq,
        Func<ApplyResult, string, IResult> onApplied)
    {
        switch (outcome)
        {
            case WriteOutcome.Applied applied:
                SetSeq(context, applied.Seq);
                return onApplied(applied.Result, CausalMetadata.Format(Math.Max(applied.Seq, minSeq)));
            case WriteOutcome.Refused refused:
                context.Response.Headers.RetryAfter = "1";
                return Error(503, refused.Reason, failed, minSeq);
            case WriteOutcome.Unavailable unavailable:
                context.Response.Headers.RetryAfter = "1";
                return Error(503, unavailable.Reason, failed, minSeq);
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome}.");
        }
    }

    // "Characters" as a person counts them: a letter outside the BMP is one, not two UTF-16 units.
    private static int KeyCharacters(string key)
    {
        int count = 0;
        foreach (Rune _ in key.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>An error answer; it still carries the metadata the client sent, so the client keeps its causal context.</summary>
    private static IResult Error(int status, string error, string message, long minSeq) =>
        Answer(status, new KevinDbAnswer { Error = error, Message = message, CausalMetadata = CausalMetadata.Format(minSeq) });

    private static IResult Answer(int status, KevinDbAnswer answer) =>
        Results.Json(answer, CompatJsonContext.Default.KevinDbAnswer, statusCode: status);

    private static void SetSeq(HttpContext context, long seq) =>
        context.Response.Headers[KvEndpoints.SeqHeader] = seq.ToString(CultureInfo.InvariantCulture);
}
