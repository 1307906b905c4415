using KvCluster.Client;
using Microsoft.Net.Http.Headers;

namespace FeatureFlags.Web.Flags;

/// <summary>
/// <c>PUT /flags/{name}</c> writes through the cluster; <c>GET /flags/{name}</c> and <c>GET /flags</c> answer from the
/// <see cref="FlagCache"/>. A flag's ETag is its key's version: send it back as <c>If-Match</c> to change the flag only
/// if nobody changed it since (412 otherwise).
/// </summary>
public static class FlagEndpoints
{
    public static IEndpointRouteBuilder MapFlags(this IEndpointRouteBuilder app)
    {
        var flags = app.MapGroup("/flags");
        flags.MapGet("/", ListFlags);
        flags.MapGet("/{name}", GetFlag);
        flags.MapPut("/{name}", PutFlagAsync);
        return app;
    }

    private static IResult ListFlags(FlagCache cache, HttpResponse response) =>
        cache.IsLoaded ? TypedResults.Ok(cache.All()) : Loading(response);

    private static IResult GetFlag(string name, FlagCache cache, HttpResponse response)
    {
        if (!cache.IsLoaded) return Loading(response);
        if (cache.Find(name) is not { } flag)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such flag",
                detail: $"There is no flag '{name}': PUT /flags/{name} with {{\"enabled\": true}} creates it.");
        }
        response.Headers.ETag = ETagOf(flag);
        return TypedResults.Ok(flag);
    }

    private static async Task<IResult> PutFlagAsync(string name, FlagBody body, HttpRequest request, HttpResponse response,
        IKvClient kv, FlagCache cache, CancellationToken cancellationToken)
    {
        if (!FlagKeys.IsValidName(name))
        {
            return BadRequest("Not a flag name", "A flag's name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        if (body.Enabled is not { } enabled) return BadRequest("No 'enabled'", "The body is {\"enabled\": true} or {\"enabled\": false}.");
        if (!TryReadIfMatch(request, out long? ifVersion))
        {
            return BadRequest("Not a flag's ETag", "If-Match takes one ETag, as GET /flags/{name} answered it (\"12\").");
        }
        // Until the first load is done this service could not show the write, and the load must be alone on the client.
        if (!cache.IsLoaded) return Loading(response);

        KvWriteResult written;
        try
        {
            written = await kv.PutAsync(FlagKeys.KeyOf(name), FlagBody.Serialize(enabled), FlagBody.ContentType,
                new KvWriteOptions { IfVersion = ifVersion }, cancellationToken);
        }
        catch (KvUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The cluster is unavailable", detail: e.Message);
        }
        if (!written.Succeeded)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The flag has changed",
                detail: $"'{name}' is no longer at version {ifVersion}: GET it again and retry with its new ETag.");
        }

        var flag = new Flag(name, enabled, written.Version);
        cache.SetOwnWrite(flag);
        response.Headers.ETag = ETagOf(flag);
        return written.Created ? TypedResults.Created($"/flags/{name}", flag) : TypedResults.Ok(flag);
    }

    // No If-Match: write whatever the flag holds. One ETag, "12": write only if the flag is at version 12. A weak ETag
    // never matches (If-Match compares strongly), nor does "*", which this service has no use for.
    private static bool TryReadIfMatch(HttpRequest request, out long? ifVersion)
    {
        ifVersion = null;
        var ifMatch = request.GetTypedHeaders().IfMatch;
        if (ifMatch.Count == 0) return true;
        if (ifMatch.Count > 1 || ifMatch[0].IsWeak || !long.TryParse(ifMatch[0].Tag.AsSpan().Trim('"'), out long version) || version < 1) return false;
        ifVersion = version;
        return true;
    }

    private static string ETagOf(Flag flag) => new EntityTagHeaderValue($"\"{flag.Version}\"").ToString();

    private static IResult Loading(HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Loading the flags",
            detail: "The service is still reading the flags from the cluster; try again in a moment.");
    }

    private static IResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
