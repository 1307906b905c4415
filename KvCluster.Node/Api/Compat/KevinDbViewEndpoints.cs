using KvCluster.Log;
using KvCluster.Log.Membership;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Node.Api.Compat;

/// <summary>
/// kevinDB's replica view (/key-value-store-view): GET lists live replicas as "host:port,host:port"; PUT and DELETE
/// with {"socket-address":"host:port"} add or remove one. The rule is <see cref="ReplicaViewRule"/>; its state is in Redis.
/// </summary>
internal static class KevinDbViewEndpoints
{
    private const string Route = "/key-value-store-view";

    public static void MapKevinDbViewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, GetAsync).RequireAccess(KvPolicies.Read);
        app.MapPut(Route, PutAsync).RequireAccess(KvPolicies.Admin);
        app.MapDelete(Route, DeleteAsync).RequireAccess(KvPolicies.Admin);
    }

    private static async Task<IResult> GetAsync(ClusterMembership membership, ViewOverrides overrides, CancellationToken cancellationToken)
    {
        try
        {
            var rule = await ReadRuleAsync(membership, overrides, cancellationToken);
            return Answer(200, new KevinDbAnswer { Message = "View retrieved successfully", View = string.Join(',', rule.View()) });
        }
        catch (LogUnavailableException e)
        {
            return Error(503, "Redis is unavailable: " + e.PublicReason, "Error in GET");
        }
    }

    private static async Task<IResult> PutAsync(HttpContext context, ClusterMembership membership, ViewOverrides overrides)
    {
        const string failed = "Error in PUT";
        var request = await ReadAddressAsync(context, failed);
        if (request.Refusal is { } refusal) return refusal;
        string address = request.Address;
        try
        {
            var rule = await ReadRuleAsync(membership, overrides, context.RequestAborted);
            if (rule.Contains(address)) return Error(404, "Socket address already exists in the view", failed);
            await overrides.UnhideAsync(address, context.RequestAborted);
            if (!rule.IsMemberAddress(address)) await overrides.AddAsync(address, context.RequestAborted);
            return Answer(201, new KevinDbAnswer { Message = "Replica added successfully to the view" });
        }
        catch (LogUnavailableException e)
        {
            return Error(503, "Redis is unavailable: " + e.PublicReason, failed);
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ClusterMembership membership, ViewOverrides overrides)
    {
        const string failed = "Error in DELETE";
        var request = await ReadAddressAsync(context, failed);
        if (request.Refusal is { } refusal) return refusal;
        try
        {
            var rule = await ReadRuleAsync(membership, overrides, context.RequestAborted);
            if (!rule.Contains(request.Address)) return Error(404, "Socket address does not exist in the view", failed);
            await overrides.UnaddAsync(request.Address, context.RequestAborted);
            if (rule.IsMemberAddress(request.Address)) await overrides.HideAsync(request.Address, context.RequestAborted);
            return Answer(200, new KevinDbAnswer { Message = "Replica deleted successfully from the view" });
        }
        catch (LogUnavailableException e)
        {
            return Error(503, "Redis is unavailable: " + e.PublicReason, failed);
        }
    }

    private readonly record struct AddressRequest(string Address, IResult? Refusal);

    private static async Task<AddressRequest> ReadAddressAsync(HttpContext context, string failed)
    {
        var bytes = await CompatBody.ReadEnvelopeAsync(context);
        if (bytes is null) return new("", Error(413, "Request body is too large", failed));
        if (!CompatRequestBody.TryParse(bytes, context.Request.ContentType, out var body, out string bodyError))
        {
            return new("", Error(400, bodyError, failed));
        }
        string? address = body.SocketAddress?.Trim();
        if (string.IsNullOrEmpty(address)) return new("", Error(400, "Socket address is missing", failed));
        if (!SocketAddress.IsValid(address)) return new("", Error(400, "Socket address is invalid; expected host:port", failed));
        return new(address, null);
    }

    private static async Task<ReplicaViewRule> ReadRuleAsync(ClusterMembership membership, ViewOverrides overrides,
        CancellationToken cancellationToken)
    {
        var membersTask = membership.ReadViewAsync(cancellationToken);
        var overridesTask = overrides.ReadAsync(cancellationToken);
        return new ReplicaViewRule((await membersTask).Members, await overridesTask);
    }

    private static IResult Error(int status, string error, string message) =>
        Answer(status, new KevinDbAnswer { Error = error, Message = message });

    private static IResult Answer(int status, KevinDbAnswer answer) =>
        Results.Json(answer, CompatJsonContext.Default.KevinDbAnswer, statusCode: status);
}
