namespace KvCluster.Log.Client;

/// <summary>Base of every failure the Redis client reports.</summary>
public abstract class RedisException : Exception
{
    protected RedisException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>Redis answered with an error reply (e.g. "WRONGTYPE ...", "NOSCRIPT ...").</summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException(string message) : base(message)
    {
        int space = message.IndexOf(' ');
        ErrorCode = space > 0 ? message[..space] : message;
    }

    /// <summary>The first word of the error, e.g. "NOSCRIPT", "ERR".</summary>
    public string ErrorCode { get; }
}

/// <summary>No reply arrived within the allowed time.</summary>
public sealed class RedisTimeoutException : RedisException
{
    public RedisTimeoutException(string message) : base(message) { }
}

/// <summary>Redis could not be reached, or the connection broke before the reply arrived.</summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException(string message, Exception? inner = null) : base(message, inner) { }
}
