using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// A token bucket per client token (partitioned by the token's name; Kv:Auth:RateLimit), so one client cannot take
/// the whole node. Requests without a token (health probes, internal routes) are not limited here.
/// </summary>
public static class PerTokenRateLimit
{
    public static void Configure(RateLimiterOptions limiter, RateLimitOptions settings)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, settings.Burst),
            TokensPerPeriod = Math.Max(1, settings.PermitsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.User.Identity is { IsAuthenticated: true, Name: { } token }
                ? RateLimitPartition.GetTokenBucketLimiter(token, _ => bucket)
                : RateLimitPartition.GetNoLimiter(""));
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (rejected, _) =>
        {
            var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                : 1;
            rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return new ValueTask(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"This token's rate limit is {bucket.TokensPerPeriod} requests per second (Kv:Auth:RateLimit); retry after {seconds} s.")
                .ExecuteAsync(rejected.HttpContext));
        };
    }
}
