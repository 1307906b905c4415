using Polly;

namespace KvCluster.ServiceDefaults.Resilience;

/// <summary>Runs each request through the resilience pipeline of its client and target service.</summary>
internal sealed class ResilienceHandler(ResiliencePipelineCache pipelines, string optionsName) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.Get(optionsName, request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "");
        var retryAllowed = RequestIdempotency.IsSafeToRepeat(request);
        if (retryAllowed && request.Content is not null)
        {
            // A stream body can be read only once; buffered, every attempt sends the same bytes.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ResiliencePipelineCache.RetryAllowed, retryAllowed);
        try
        {
            return await pipeline.ExecuteAsync(
                static (context, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, context.CancellationToken)),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
