namespace KvCluster.ServiceDefaults.Resilience;

/// <summary>
/// Settings of the standard resilience handler, named like Microsoft.Extensions.Http.Resilience's.
/// Configure them per client through <c>AddStandardResilienceHandler(options => …)</c>, or for every client
/// with <c>services.Configure&lt;HttpResilienceOptions&gt;(…)</c>.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>The whole request, every attempt and every wait between them.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt; a timed-out attempt counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for requests that are safe to repeat. Zero turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first backoff; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts, also the cap on a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of failed attempts within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.1;

    /// <summary>Attempts needed within the sampling window before the circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 100;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails requests at once before letting one through to probe.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
