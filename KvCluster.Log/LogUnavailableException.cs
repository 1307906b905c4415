namespace KvCluster.Log;

/// <summary>
/// The log could not be reached or did not answer in time (Redis down, restarting, refusing the credentials, or the
/// coordinator unreachable): whether an append in flight took effect is unknown, so callers retry with the same ids.
/// </summary>
public sealed class LogUnavailableException(string message, Exception? inner = null, string? publicReason = null) : Exception(message, inner)
{
    /// <summary>
    /// What a client may be told: which part is unavailable, without the failure's detail (addresses, connection state,
    /// another service's answer), which stays in <see cref="Exception.Message"/> for the logs.
    /// </summary>
    public string PublicReason { get; } = publicReason ?? message;
}
