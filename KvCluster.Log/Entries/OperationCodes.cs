namespace KvCluster.Log.Entries;

/// <summary>The text each <see cref="LogOperation"/> has in the stream (readable with redis-cli).</summary>
public static class OperationCodes
{
    public const string Put = "put";
    public const string Delete = "del";

    public static string Encode(LogOperation operation) => operation switch
    {
        LogOperation.Put => Put,
        LogOperation.Delete => Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown log operation."),
    };

    public static LogOperation Decode(ReadOnlySpan<byte> code) =>
        code.SequenceEqual("put"u8) ? LogOperation.Put
        : code.SequenceEqual("del"u8) ? LogOperation.Delete
        : throw new LogFormatException($"Unknown operation '{System.Text.Encoding.UTF8.GetString(code)}' in a log entry.");
}
