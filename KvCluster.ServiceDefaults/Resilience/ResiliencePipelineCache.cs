using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace KvCluster.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per (options name, target authority), kept for the life of the app: a circuit breaker
/// must outlive the handlers HttpClientFactory recycles, and one failing service must not open the
/// circuit to another.
/// </summary>
internal sealed class ResiliencePipelineCache(IOptionsMonitor<HttpResilienceOptions> options)
{
    /// <summary>Set per request: only requests that are safe to repeat are retried.</summary>
    public static readonly ResiliencePropertyKey<bool> RetryAllowed = new("KvCluster.RetryAllowed");

    private readonly ConcurrentDictionary<(string OptionsName, string Authority), ResiliencePipeline<HttpResponseMessage>> _pipelines = new();

    public ResiliencePipeline<HttpResponseMessage> Get(string optionsName, string authority) =>
        _pipelines.GetOrAdd((optionsName, authority), static (key, monitor) => Build(monitor.Get(key.OptionsName)), options);

    // Outer to inner, as in Microsoft's standard pipeline: total timeout, retry, circuit breaker, attempt timeout.
    private static ResiliencePipeline<HttpResponseMessage> Build(HttpResilienceOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(options.TotalRequestTimeout);

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(RetryAllowed, false) && HttpTransientFailure.IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, options.MaxRetryDelay)),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(HttpTransientFailure.IsTransient(args.Outcome)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>The server's <c>Retry-After</c>, when it gave one we are willing to wait for; otherwise the backoff.</summary>
    private static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeSpan max)
    {
        var retryAfter = outcome.Result?.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date - DateTimeOffset.UtcNow);
        return delay is { } d && d >= TimeSpan.Zero ? (d <= max ? d : max) : null;
    }
}
