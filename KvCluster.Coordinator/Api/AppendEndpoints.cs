using KvCluster.Coordinator.Sequencing;
using KvCluster.RedisLog.Client;
using KvCluster.RedisLog.Log;

namespace KvCluster.Coordinator.Api;

/// <summary>POST /v1/append: the one door into the log. Nodes call it; clients talk to nodes.</summary>
internal static class AppendEndpoints
{
    public static void MapAppendEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/append", AppendAsync);
    }

    private static async Task<IResult> AppendAsync(HttpContext context, AppendBatcher batcher)
    {
        AppendRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync(AppendWireJsonContext.Default.AppendRequest, context.RequestAborted);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Results.Problem(title: "Malformed append request", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (request is null || request.Commands.Count == 0)
        {
            return Results.Problem(title: "Empty append request", detail: "An append carries at least one command.", statusCode: StatusCodes.Status400BadRequest);
        }

        var commands = new AppendCommand[request.Commands.Count];
        try
        {
            for (int i = 0; i < commands.Length; i++) commands[i] = request.Commands[i].ToCommand();
        }
        catch (FormatException e)
        {
            return Results.Problem(title: "Malformed append command", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var outcomes = await batcher.AppendAsync(commands, context.RequestAborted);
            var results = new List<AppendWireResult>(outcomes.Length);
            foreach (var outcome in outcomes) results.Add(new AppendWireResult { Seq = outcome.Seq, Duplicate = outcome.Duplicate });
            return Results.Json(new AppendResponse { Results = results }, AppendWireJsonContext.Default.AppendResponse);
        }
        catch (Exception e) when (e is RedisException or AppendQueueFullException)
        {
            return Results.Problem(title: "The log is unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
