namespace KvCluster.Log;

/// <summary>
/// The log could not be reached or did not answer in time (Redis down, restarting, refusing the credentials, or the
/// coordinator unreachable): whether an append in flight took effect is unknown, so callers retry with the same ids.
/// </summary>
public sealed class LogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
