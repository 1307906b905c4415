namespace KvCluster.Client;

/// <summary>
/// A client of a KvCluster. Reads are session reads unless asked otherwise (they see every write this client made or saw,
/// on any node); every write carries an idempotency key made once per call, so a write retried on another node after a
/// timeout, a lost connection or a 503 is applied exactly once; a node that fails is skipped for another.
/// </summary>
public interface IKvClient
{
    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <param name="key">1 to 1024 bytes of UTF-8 without control characters; <c>/</c> is allowed.</param>
    /// <param name="value">The bytes to store (up to the cluster's <c>Kv:MaxValueBytes</c>, 1 MiB by default).</param>
    /// <param name="contentType">Kept with the value and returned on reads; none when null.</param>
    /// <param name="options">A condition, or an idempotency key of your own.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome: <see cref="KvWriteResult.Succeeded"/> is false only when the condition did not hold.</returns>
    /// <exception cref="KvException">The cluster refused the request (a bad key, a missing token, a value too large...).</exception>
    /// <exception cref="KvUnavailableException">No node could take the write in time.</exception>
    Task<KvWriteResult> PutAsync(string key, ReadOnlyMemory<byte> value, string? contentType = null, KvWriteOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="value"/> as UTF-8 text (<c>text/plain; charset=utf-8</c>) under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    /// <param name="options">A condition, or an idempotency key of your own.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, as <see cref="PutAsync"/>'s.</returns>
    Task<KvWriteResult> PutStringAsync(string key, string value, KvWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">The consistency; <see cref="KvConsistency.Session"/> unless given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value, its content type and version; null when the key does not exist.</returns>
    Task<KvItem?> GetAsync(string key, KvReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a key's value as UTF-8 text.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">The consistency; <see cref="KvConsistency.Session"/> unless given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text; null when the key does not exist.</returns>
    Task<string?> GetStringAsync(string key, KvReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options"><see cref="KvWriteOptions.IfVersion"/> to delete only that version, or an idempotency key of your own.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the key was deleted; false when it did not exist or was not at <see cref="KvWriteOptions.IfVersion"/>.</returns>
    Task<bool> DeleteAsync(string key, KvWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order, fetched a page at a time as you enumerate.</summary>
    /// <param name="prefix">The prefix; empty for every key.</param>
    /// <param name="options">The consistency of each page; <see cref="KvConsistency.Session"/> unless given.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>Each key with its version and value size.</returns>
    IAsyncEnumerable<KvItemInfo> ListAsync(string prefix, KvReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The changes to keys that start with <paramref name="prefix"/>, in log order, as they happen. When the stream breaks (a
    /// node killed, hung or stopping, a 503) the client resumes it on another node after the last whole seq it delivered, so
    /// each change is seen once; a transaction's changes at one seq come together. Ends only when cancelled, or with an
    /// exception when no node can serve it.
    /// </summary>
    /// <param name="prefix">The prefix; empty for every key.</param>
    /// <param name="fromSeq">The first seq to see (for instance the seq a listing was read at + 1); from now when null.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>Each change: its seq, key, put or delete, value and version.</returns>
    /// <exception cref="KvHistoryCompactedException">No node keeps the changes from <paramref name="fromSeq"/> any more (410).</exception>
    /// <exception cref="KvUnavailableException">No node could serve the watch within the retry budget.</exception>
    IAsyncEnumerable<KvChange> WatchAsync(string prefix, long? fromSeq = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Grants a lease and keeps it alive in the background until the returned <see cref="KvLease"/> is disposed, which
    /// revokes it. Write keys with <see cref="KvWriteOptions.LeaseId"/> to have them deleted when the lease ends.
    /// </summary>
    /// <param name="ttl">How long the lease lives after its last keep-alive: whole seconds from 1 s to 24 h (rounded up).</param>
    /// <param name="cancellationToken">Cancels the grant (not the lease once granted).</param>
    /// <returns>The lease, kept alive every third of <paramref name="ttl"/>.</returns>
    Task<KvLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a transaction: its compares, then one of its branches, as one entry of the log, atomically on every node. A
    /// compare that does not hold is a result (<see cref="KvTxnResult.Succeeded"/> false), not an exception. One
    /// idempotency key for the call, so a retry on another node applies it once.
    /// </summary>
    /// <param name="txn">The compares and the two branches.</param>
    /// <param name="idempotencyKey">Your own idempotency key (1 to 256 visible ASCII characters); a new one for the call when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Which branch ran, the seq, and each operation's result.</returns>
    /// <exception cref="KvException">The cluster refused it (a key written twice in a branch, too many operations, 409 for a key used by a PUT...).</exception>
    Task<KvTxnResult> TransactAsync(KvTxn txn, string? idempotencyKey = null, CancellationToken cancellationToken = default);
}
