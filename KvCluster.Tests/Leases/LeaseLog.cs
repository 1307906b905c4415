using System.Text;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;

namespace KvCluster.Tests.Leases;

/// <summary>A dense log of puts, deletes and lease entries for state machine tests; each entry gets the next seq and <see cref="NowUnixMs"/>.</summary>
internal sealed class LeaseLog
{
    private string _chain = "";

    public long NextSeq { get; private set; } = 1;

    public long NowUnixMs { get; set; } = 1_700_000_000_000;

    /// <summary>A grant whose deadline is <paramref name="ttlSeconds"/> after now, unless <paramref name="deadlineUnixMs"/> says otherwise.</summary>
    public LogEntry Grant(string id, long ttlSeconds = 10, long? deadlineUnixMs = null) =>
        Next(LogOperation.LeaseGrant, id, LeaseEntryFormat.EncodeGrant(ttlSeconds, deadlineUnixMs ?? NowUnixMs + ttlSeconds * 1000));

    public LogEntry Expire(string id, string idempotencyKey = "") =>
        Next(LogOperation.LeaseRevoke, id, Encoding.ASCII.GetBytes(LeaseEntryFormat.Expired), idempotencyKey: idempotencyKey);

    public LogEntry Revoke(string id) => Next(LogOperation.LeaseRevoke, id, Encoding.ASCII.GetBytes(LeaseEntryFormat.Revoked));

    public LogEntry Put(string key, string value, string lease = "", Precondition? precondition = null) =>
        Next(LogOperation.Put, key, Encoding.UTF8.GetBytes(value), lease: lease, contentType: "text/plain", precondition: precondition);

    public LogEntry Delete(string key) => Next(LogOperation.Delete, key, []);

    private LogEntry Next(LogOperation operation, string key, byte[] value, string lease = "", string contentType = "",
        Precondition? precondition = null, string idempotencyKey = "")
    {
        var entry = new LogEntry
        {
            Seq = NextSeq++,
            Operation = operation,
            Key = key,
            Value = value,
            ContentType = contentType,
            Lease = lease,
            Precondition = precondition ?? Precondition.None,
            IdempotencyKey = idempotencyKey,
            SequencedAtUnixMs = NowUnixMs,
        };
        entry = entry with { ChainHash = ChainHash.Next(_chain, entry) };
        _chain = entry.ChainHash;
        return entry;
    }
}
