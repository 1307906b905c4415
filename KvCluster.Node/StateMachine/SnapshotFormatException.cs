namespace KvCluster.Node.StateMachine;

/// <summary>
/// A snapshot could not be read: wrong magic, an unknown format version, a checksum mismatch, a truncated
/// or otherwise malformed stream. Nothing of it was loaded. <see cref="Reason"/> says which, for the log.
/// </summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string reason, Exception? inner = null)
        : base($"Invalid snapshot: {reason}", inner)
    {
        Reason = reason;
    }

    public string Reason { get; }
}
