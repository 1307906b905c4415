using System.Text;
using KvCluster.Log.Entries;
using KvCluster.Node.Transactions;

namespace KvCluster.Tests.Transactions;

/// <summary>A dense log of puts, deletes and transactions for state machine tests: each entry gets the next seq.</summary>
internal sealed class TxnLog
{
    public long NextSeq { get; private set; } = 1;

    public long NowUnixMs { get; set; } = 1_700_000_000_000;

    public LogEntry Put(string key, string value) =>
        Entry(LogOperation.Put, key, Encoding.UTF8.GetBytes(value), "text/plain");

    public LogEntry Delete(string key) => Entry(LogOperation.Delete, key, [], "");

    public LogEntry Txn(Transaction transaction, string idempotencyKey = "") =>
        Entry(LogOperation.Txn, "", TxnCodec.Encode(transaction), "", idempotencyKey);

    /// <summary>A txn entry whose value is <paramref name="bytes"/>, decodable or not.</summary>
    public LogEntry RawTxn(byte[] bytes) => Entry(LogOperation.Txn, "", bytes, "");

    public static Transaction When(TxnCompare[] compare, TxnOp[] success, TxnOp[]? failure = null) => new(compare, success, failure ?? []);

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private LogEntry Entry(LogOperation operation, string key, byte[] value, string contentType, string idempotencyKey = "") => new()
    {
        Seq = NextSeq++,
        Operation = operation,
        Key = key,
        Value = value,
        ContentType = contentType,
        IdempotencyKey = idempotencyKey,
        SequencedAtUnixMs = NowUnixMs,
    };
}
