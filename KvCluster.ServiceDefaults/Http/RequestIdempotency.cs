namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// Whether sending a request twice has the same effect as sending it once: an idempotent method (RFC 9110 §9.2.2),
/// or any request that carries an Idempotency-Key, which the receiver deduplicates. The node's append to the
/// coordinator is a POST that carries one: its batch's request id, which the sequencer remembers.
/// </summary>
public static class RequestIdempotency
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static bool IsSafeToRepeat(HttpRequestMessage request)
    {
        var method = request.Method;
        return method == HttpMethod.Get
            || method == HttpMethod.Head
            || method == HttpMethod.Options
            || method == HttpMethod.Put
            || method == HttpMethod.Delete
            || method == HttpMethod.Trace
            || request.Headers.Contains(IdempotencyKeyHeader);
    }
}
