using System.Diagnostics;
using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>
/// Times a command on the shared connection and, inside a trace already under way, gives it a client span.
/// Taken only when someone listens, so an unobserved client keeps its allocation-free path.
/// </summary>
internal static class RedisCommandTelemetry
{
    public static bool IsEnabled =>
        RedisClientMetrics.OperationDuration.Enabled || (Activity.Current is not null && RedisTelemetry.Source.HasListeners());

    public static async Task<RespValue> ExecuteAsync(
        RedisConnection connection, RedisCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string operation = command.ToString();
        var endPoint = connection.EndPoint;
        // Only as part of a trace: the tailer's reads and the heartbeats would otherwise each be a trace of their own.
        using var activity = Activity.Current is null ? null : RedisTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "redis");
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("server.address", endPoint.Host);
            activity.SetTag("server.port", endPoint.Port);
        }

        long started = Stopwatch.GetTimestamp();
        string? errorType = null;
        try
        {
            return await connection.ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            errorType = e is RedisServerException server ? server.ErrorCode : e.GetType().FullName;
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.SetTag("error.type", errorType);
            throw;
        }
        finally
        {
            if (RedisClientMetrics.OperationDuration.Enabled)
            {
                var tags = new TagList
                {
                    { "db.system.name", "redis" },
                    { "db.operation.name", operation },
                    { "server.address", endPoint.Host },
                    { "server.port", endPoint.Port },
                };
                if (errorType is not null) tags.Add("error.type", errorType);
                RedisClientMetrics.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }
}
