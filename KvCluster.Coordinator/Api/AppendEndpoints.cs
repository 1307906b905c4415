using System.Buffers;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log;
using KvCluster.Log.Entries;
using KvCluster.ServiceDefaults.Http;
using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Coordinator.Api;

/// <summary>POST /v1/append: the one door into the log. Nodes call it with batches; clients talk to nodes.</summary>
internal static class AppendEndpoints
{
    public static void MapAppendEndpoints(this IEndpointRouteBuilder app)
    {
        // The batcher is a singleton, taken once here, and the answer is a DirectResults one: a parameter bound from
        // services and Results.Bytes each go through the request's service scope, which this route, called for
        // every batch of writes, otherwise never needs.
        var batcher = app.ServiceProvider.GetRequiredService<AppendBatcher>();
        app.MapPost("/v1/append", context => AnswerAsync(context, batcher))
            .WithRequestBodyLimit(AppendWireFormat.MaxRequestBytes)
            .RequireAuthorization(KvPolicies.Internal);
    }

    private static async Task AnswerAsync(HttpContext context, AppendBatcher batcher) =>
        await (await AppendAsync(context, batcher)).ExecuteAsync(context);

    private static async Task<IResult> AppendAsync(HttpContext context, AppendBatcher batcher)
    {
        if (context.Request.ContentType != AppendWireFormat.ContentType)
        {
            return Results.Problem(title: "Unsupported append format", detail: $"Send {AppendWireFormat.ContentType}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        if (context.Request.ContentLength is not long length)
        {
            return Results.Problem(title: "Bad append length", detail: "An append needs a Content-Length.",
                statusCode: StatusCodes.Status411LengthRequired);
        }
        if (length > AppendWireFormat.MaxRequestBytes)
        {
            return Results.Problem(title: "Append too large", detail: $"An append is limited to {AppendWireFormat.MaxRequestBytes} bytes.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // The body comes from a pool: a batch of large values is a large-object-heap array, and one per request made
        // the coordinator collect generation 2 several times a second under 10 KiB writes (the bench's processCosts).
        int size = (int)length;
        byte[] body = ArrayPool<byte>.Shared.Rent(size);
        // Back to the pool only when nothing can read it any more: before it reaches the batcher, or once the script
        // has answered (Redis has every byte). After a failure the batch may still hold it, so it is left to the GC.
        bool reusable = true;
        try
        {
            AppendCommand[] commands;
            try
            {
                await context.Request.Body.ReadExactlyAsync(body.AsMemory(0, size), context.RequestAborted);
                commands = AppendWireFormat.DecodeRequest(body.AsMemory(0, size));
            }
            catch (FormatException e)
            {
                return Results.Problem(title: "Malformed append request", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                reusable = false;
                var outcomes = await batcher.AppendAsync(commands, context.RequestAborted);
                reusable = true;
                return DirectResults.Bytes(AppendWireFormat.EncodeResponse(outcomes), AppendWireFormat.ContentType);
            }
            catch (Exception e) when (e is LogUnavailableException or AppendQueueFullException)
            {
                return Results.Problem(title: "The log is unavailable", detail: e is LogUnavailableException log ? log.PublicReason : e.Message,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }
        finally
        {
            if (reusable) ArrayPool<byte>.Shared.Return(body);
        }
    }
}
