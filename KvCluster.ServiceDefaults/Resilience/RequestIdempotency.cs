namespace KvCluster.ServiceDefaults.Resilience;

/// <summary>Whether sending a request twice has the same effect as sending it once (RFC 9110 §9.2.2).</summary>
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
            // The server deduplicates a request that carries a key, so any method may be repeated.
            || request.Headers.Contains(IdempotencyKeyHeader);
    }
}
