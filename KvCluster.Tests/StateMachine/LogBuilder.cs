using System.Text;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

/// <summary>Writes a dense log for tests: each entry gets the next seq and the builder's current time.</summary>
internal sealed class LogBuilder
{
    public long NextSeq { get; private set; } = 1;

    public long NowUnixMs { get; set; } = 1_700_000_000_000;

    public LogEntry Put(
        string key,
        string value,
        Precondition? precondition = null,
        string idempotencyKey = "",
        string contentType = "text/plain") =>
        Next(LogOperation.Put, key, Encoding.UTF8.GetBytes(value), contentType, precondition, idempotencyKey);

    public LogEntry Delete(string key, Precondition? precondition = null, string idempotencyKey = "") =>
        Next(LogOperation.Delete, key, [], "", precondition, idempotencyKey);

    private LogEntry Next(
        LogOperation operation, string key, byte[] value, string contentType, Precondition? precondition, string idempotencyKey) =>
        new()
        {
            Seq = NextSeq++,
            Operation = operation,
            Key = key,
            Value = value,
            ContentType = contentType,
            Precondition = precondition ?? Precondition.None,
            IdempotencyKey = idempotencyKey,
            SequencedAtUnixMs = NowUnixMs,
        };
}
