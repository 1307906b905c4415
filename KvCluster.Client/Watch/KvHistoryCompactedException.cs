using System.Net;

namespace KvCluster.Client;

/// <summary>
/// A watch asked for changes older than any node still keeps (410 Gone): read the current values, then watch from the seq
/// they were read at + 1. <see cref="OldestSeq"/> is the oldest seq a watch could start from.
/// </summary>
public sealed class KvHistoryCompactedException : KvException
{
    /// <summary>The refusal, with the oldest seq the node could serve.</summary>
    public KvHistoryCompactedException(string message, long? oldestSeq, string? title, string? detail)
        : base(message, HttpStatusCode.Gone, title, detail)
    {
        OldestSeq = oldestSeq;
    }

    /// <summary>The oldest seq the node could watch from; null if it did not say.</summary>
    public long? OldestSeq { get; }
}
