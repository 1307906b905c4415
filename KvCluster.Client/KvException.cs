using System.Net;

namespace KvCluster.Client;

/// <summary>
/// The cluster answered a request with an error that is not an outcome (400, 401, 403, 413, 429...): the request itself
/// must change. The node's problem detail says what to do.
/// </summary>
public class KvException : Exception
{
    /// <summary>An error with the node's answer.</summary>
    public KvException(string message, HttpStatusCode? statusCode = null, string? title = null, string? detail = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status the node answered, or null when no node answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The problem's <c>title</c> (what went wrong), when the node sent one.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c> (what to do), when the node sent one.</summary>
    public string? Detail { get; }
}

/// <summary>
/// No node could serve a call within <see cref="KvClientOptions.MaxAttempts"/> and <see cref="KvClientOptions.RetryBudget"/>:
/// each failed, timed out or answered 503. <see cref="Attempts"/> says what was tried. A write may still have been applied:
/// calling again with the same <see cref="IdempotencyKey"/> (<see cref="KvWriteOptions.IdempotencyKey"/>) applies it at most once.
/// </summary>
public sealed class KvUnavailableException : KvException
{
    /// <summary>The failure of a call after <paramref name="attempts"/>.</summary>
    public KvUnavailableException(string message, IReadOnlyList<string> attempts, string? idempotencyKey, HttpStatusCode? lastStatusCode,
        Exception? innerException)
        : base(message, lastStatusCode, innerException: innerException)
    {
        Attempts = attempts;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>Each attempt: the node and what happened ("http://127.0.0.1:5102/: 503 Log unavailable", "...: no connection").</summary>
    public IReadOnlyList<string> Attempts { get; }

    /// <summary>The write's idempotency key, to retry it safely; null for a read.</summary>
    public string? IdempotencyKey { get; }
}
