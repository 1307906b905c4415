using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// How the standard resilience handler treats every outgoing request, the node's appends to the coordinator above
/// all. Two choices differ from the package's defaults: the first retry waits 200 ms rather than 2 s, so a failed
/// append is retried several times within a write's 5 s deadline (Kv:WriteTimeout); and only requests that are safe to
/// repeat are retried (<see cref="RequestIdempotency"/>), since the package would otherwise retry any POST.
/// </summary>
public static class ResilienceSettings
{
    public static readonly TimeSpan TotalRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>One attempt; a timed-out attempt is a transient failure, retried like any other.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public const int MaxRetryAttempts = 3;

    /// <summary>The first backoff; later ones grow exponentially, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    public static void Apply(HttpStandardResilienceOptions options)
    {
        options.TotalRequestTimeout.Timeout = TotalRequestTimeout;
        options.AttemptTimeout.Timeout = AttemptTimeout;

        options.Retry.MaxRetryAttempts = MaxRetryAttempts;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = FirstRetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.ShouldHandle = static args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome)
            && args.Context.GetRequestMessage() is { } request
            && RequestIdempotency.IsSafeToRepeat(request));

        // A tenth of the attempts failing within 30 s (at least 100 of them) opens the circuit for 5 s.
        options.CircuitBreaker.FailureRatio = 0.1;
        options.CircuitBreaker.MinimumThroughput = 100;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
    }
}
