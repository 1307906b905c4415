namespace KvCluster.Log.Entries;

/// <summary>A stream entry that is not a well-formed KvCluster log entry.</summary>
public sealed class LogFormatException : Exception
{
    public LogFormatException(string message) : base(message) { }
}
