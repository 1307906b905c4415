using KvCluster.Log.Resp;

namespace KvCluster.Log.Client;

/// <summary>What every new connection says first: AUTH, SELECT, CLIENT SETNAME, and a PING that proves it works.</summary>
internal static class RedisHandshake
{
    public static Task RunAsync(RedisConnection connection, RedisConnectionOptions options, CancellationToken cancellationToken) =>
        RunAsync(command => connection.ExecuteAsync(command, options.ConnectTimeout, cancellationToken), options, cancellationToken);

    /// <param name="execute">Sends one command; on a pipelined connection all of them go before any reply is awaited.</param>
    public static async Task RunAsync(Func<RedisCommand, Task<RespValue>> execute, RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        // Pipelined: one round trip for the whole handshake.
        Task<RespValue>? auth = null, select = null, setName = null;
        if (options.Password is not null)
        {
            var command = new RedisCommand("AUTH", 2);
            if (options.User is not null) command.Add(options.User);
            auth = execute(command.Add(options.Password));
        }
        if (options.DefaultDatabase != 0)
        {
            select = execute(new RedisCommand("SELECT", 1).Add(options.DefaultDatabase));
        }
        if (options.ClientName is not null)
        {
            setName = execute(new RedisCommand("CLIENT", 2).Add("SETNAME").Add(options.ClientName));
        }
        var ping = execute(new RedisCommand("PING", 0));

        // Wait for all before judging any, and observe every failure (one bad AUTH fails the rest too).
        var steps = new[] { auth, select, setName, ping }.OfType<Task<RespValue>>().ToArray();
        await ((Task)Task.WhenAll(steps)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var step in steps) _ = step.Exception;
        cancellationToken.ThrowIfCancellationRequested();

        var endPoint = options.EndPoint;
        string who = options.User is null ? "the default user" : $"user '{options.User}'";
        Check(auth, e => $"Redis at {endPoint} rejected the credentials for {who}: {e.Message}");
        Check(select, e => $"Redis at {endPoint} refused to select database {options.DefaultDatabase}: {e.Message}");
        // setName is not checked: a name is a courtesy, and some managed Redis services forbid CLIENT SETNAME.
        Check(ping, e => e is RedisServerException { ErrorCode: "NOAUTH" }
            ? $"Redis at {endPoint} requires authentication: add password=... (and user=... for an ACL user) to the connection string."
            : $"Redis at {endPoint} did not answer PING: {e.Message}");
    }

    private static void Check(Task<RespValue>? step, Func<Exception, string> describe)
    {
        if (step is null || step.IsCompletedSuccessfully) return;
        if (step.IsCanceled) throw new OperationCanceledException();
        var error = step.Exception!.InnerException!;
        if (error is RedisConnectionException connectionError) throw new RedisConnectionException(connectionError.Message, connectionError.InnerException);
        if (error is RedisTimeoutException) throw new RedisConnectionException($"The Redis handshake timed out: {error.Message}", error);
        throw new RedisConnectionException(describe(error), error);
    }
}
