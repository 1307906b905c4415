using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace KvCluster.Client;

/// <summary>
/// <see cref="IKvClient"/> over HTTP. One instance per process (it is thread-safe), over every node of the cluster:
/// <list type="bullet">
/// <item>Session reads by default: the client keeps the highest <c>X-Kv-Seq</c> it has seen, from writes and reads, and
/// sends it as <c>X-Kv-Min-Seq</c>, so it reads its own writes on any node without a round trip to the log.</item>
/// <item>Every write carries an <c>Idempotency-Key</c> made once per call (or the one you give); a write that times out,
/// loses its connection or is answered 503 is sent again with the same key to another node, and is applied once.</item>
/// <item>Calls start on the nodes in turn; a node that fails or answers 503 is skipped for a few seconds, and attempts wait
/// with backoff, within <see cref="KvClientOptions.MaxAttempts"/> and <see cref="KvClientOptions.RetryBudget"/>.</item>
/// </list>
/// </summary>
public sealed partial class KvClient : IKvClient, IDisposable
{
    internal const string SeqHeader = "X-Kv-Seq";
    internal const string MinSeqHeader = "X-Kv-Min-Seq";
    internal const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string TextContentType = "text/plain; charset=utf-8";
    private const int MaxIdempotencyKeyLength = 256;
    // How long a node that failed is tried only after the others.
    private static readonly TimeSpan EndpointCooldown = TimeSpan.FromSeconds(3);

    private readonly Uri[] _endpoints;
    private readonly long[] _downUntil;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string? _token;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBudget;
    private readonly TimeSpan _retryDelay;
    private readonly TimeSpan _maxRetryDelay;
    private readonly int _pageSize;
    private readonly TimeSpan _watchIdleTimeout;
    private long _sessionSeq;
    private int _next = -1;

    /// <summary>A client for the cluster a connection string names (<see cref="KvClientOptions.Parse"/>).</summary>
    /// <param name="connectionString"><c>Endpoints=http://host:port,...;Token=...</c>, or a comma-separated list of node URLs.</param>
    public KvClient(string connectionString) : this(KvClientOptions.Parse(connectionString))
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">The endpoints, the token and the retry settings; read once, here.</param>
    public KvClient(KvClientOptions options) : this(options, null)
    {
    }

    /// <summary>A client that sends its requests through <paramref name="httpClient"/> (which it does not dispose).</summary>
    /// <param name="options">The endpoints, the token and the retry settings; read once, here.</param>
    /// <param name="httpClient">The client to send with (absolute URLs; its <c>BaseAddress</c> is not used); null for one of its own.</param>
    public KvClient(KvClientOptions options, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _endpoints = [.. options.Endpoints.Select(WithTrailingSlash)];
        _downUntil = new long[_endpoints.Length];
        _token = string.IsNullOrEmpty(options.Token) ? null : options.Token;
        _requestTimeout = options.RequestTimeout;
        _maxAttempts = options.MaxAttempts;
        _retryBudget = options.RetryBudget;
        _retryDelay = options.RetryDelay;
        _maxRetryDelay = options.MaxRetryDelay;
        _pageSize = options.ListPageSize;
        _watchIdleTimeout = options.WatchIdleTimeout;
        if (httpClient is null)
        {
            // Attempts are timed by the client itself (RequestTimeout), so HttpClient's own timeout is off.
            _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            _ownsHttp = true;
        }
        else
        {
            _http = httpClient;
        }
    }

    /// <summary>The nodes this client uses, as given.</summary>
    public IReadOnlyList<Uri> Endpoints => _endpoints;

    /// <summary>
    /// The highest sequence number this client has seen (0 before its first call): its session reads are served no older
    /// than this. Hand it to another client's <see cref="AdvanceSession"/> to let that one read what this one wrote.
    /// </summary>
    public long SessionSeq => Volatile.Read(ref _sessionSeq);

    /// <summary>Makes this client's session reads at least as new as <paramref name="seq"/> (another client's <see cref="SessionSeq"/>).</summary>
    /// <param name="seq">A sequence number; a lower one than this client's own changes nothing.</param>
    public void AdvanceSession(long seq)
    {
        long seen = Volatile.Read(ref _sessionSeq);
        while (seq > seen)
        {
            long was = Interlocked.CompareExchange(ref _sessionSeq, seq, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// <inheritdoc />
    public async Task<KvWriteResult> PutAsync(string key, ReadOnlyMemory<byte> value, string? contentType = null, KvWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        string idempotencyKey = IdempotencyKeyFor(options, allowIfAbsent: true);
        string what = $"PUT {key}";
        using var response = await SendAsync("PUT", key, endpoint =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, NodeUri(endpoint, KeyPath(key) + LeaseQuery(options))) { Content = new ReadOnlyMemoryContent(value) };
            if (contentType is not null && !request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType))
            {
                request.Dispose();
                throw new ArgumentException($"'{contentType}' is not a Content-Type.", nameof(contentType));
            }
            AddWriteHeaders(request, options, idempotencyKey);
            return request;
        }, idempotencyKey, cancellationToken).ConfigureAwait(false);
        long seq = Observe(response);
        return response.StatusCode switch
        {
            HttpStatusCode.OK or HttpStatusCode.Created => new KvWriteResult
            {
                Succeeded = true,
                Created = response.StatusCode == HttpStatusCode.Created,
                Version = ETagVersion(response) ?? seq,
                Seq = seq,
            },
            HttpStatusCode.PreconditionFailed => new KvWriteResult { Succeeded = false, Seq = seq },
            _ => throw await ErrorAsync(response, what, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public Task<KvWriteResult> PutStringAsync(string key, string value, KvWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, Encoding.UTF8.GetBytes(value), TextContentType, options, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<KvItem?> GetAsync(string key, KvReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var consistency = options?.Consistency ?? KvConsistency.Session;
        string what = $"GET {key}";
        using var response = await SendAsync("GET", key, endpoint => ReadRequest(endpoint, KeyPath(key), consistency), null, cancellationToken)
            .ConfigureAwait(false);
        Observe(response);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                return new KvItem
                {
                    Key = key,
                    Value = bytes,
                    ContentType = response.Content.Headers.ContentType?.ToString(),
                    Version = ETagVersion(response) ?? 0,
                };
            case HttpStatusCode.NotFound:
                return null;
            default:
                throw await ErrorAsync(response, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetStringAsync(string key, KvReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var item = await GetAsync(key, options, cancellationToken).ConfigureAwait(false);
        return item is null ? null : Encoding.UTF8.GetString(item.Value.Span);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, KvWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        string idempotencyKey = IdempotencyKeyFor(options, allowIfAbsent: false);
        string what = $"DELETE {key}";
        using var response = await SendAsync("DELETE", key, endpoint =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, NodeUri(endpoint, KeyPath(key)));
            AddWriteHeaders(request, options, idempotencyKey);
            return request;
        }, idempotencyKey, cancellationToken).ConfigureAwait(false);
        Observe(response);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.OK => true,
            HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed => false,
            _ => throw await ErrorAsync(response, what, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<KvItemInfo> ListAsync(string prefix, KvReadOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var consistency = options?.Consistency ?? KvConsistency.Session;
        string what = $"LIST {prefix}";
        string? after = null;
        do
        {
            string path = "v1/kv?prefix=" + Uri.EscapeDataString(prefix) + "&limit=" + _pageSize.ToString(CultureInfo.InvariantCulture)
                + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            ListPage page;
            using (var response = await SendAsync("LIST", prefix, endpoint => ReadRequest(endpoint, path, consistency), null, cancellationToken)
                       .ConfigureAwait(false))
            {
                Observe(response);
                if (response.StatusCode != HttpStatusCode.OK) throw await ErrorAsync(response, what, cancellationToken).ConfigureAwait(false);
                page = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ListPage, cancellationToken).ConfigureAwait(false)
                    ?? throw new KvException($"{what}: the node answered an empty listing.", response.StatusCode);
            }
            foreach (var item in page.Items ?? []) yield return new KvItemInfo { Key = item.Key, Version = item.Version, Size = item.Size };
            after = page.Next;
        } while (after is not null);
    }

    /// <summary>Disposes the <see cref="HttpClient"/> the client made for itself (not one it was given).</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>
    /// Sends a request built by <paramref name="build"/> for one node after another until one answers with something other
    /// than 502, 503 or 504; a lost connection or an attempt over <see cref="KvClientOptions.RequestTimeout"/> moves on too.
    /// One span for the call (<see cref="KvClientTelemetry"/>), whose context HttpClient sends on as <c>traceparent</c>.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(string operation, string? key, Func<Uri, HttpRequestMessage> build, string? idempotencyKey,
        CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        TimeSpan? requestTimeout = null)
    {
        using var activity = KvClientTelemetry.StartCall(operation, key);
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await SendWithFailoverAsync(operation, key, build, idempotencyKey, activity, clock, completion,
                requestTimeout ?? _requestTimeout, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            // 404 and 412 are answers (absent, condition not held), not failures of the call.
            bool ok = status < 400 || status is 404 or 412;
            activity?.SetTag("http.response.status_code", status);
            if (!ok) activity?.SetStatus(ActivityStatusCode.Error, $"{status} {response.ReasonPhrase}");
            KvClientTelemetry.Record(operation, ok ? "ok" : "failed", clock.Elapsed);
            return response;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            KvClientTelemetry.Record(operation, e is KvUnavailableException ? "unavailable" : e is OperationCanceledException ? "canceled" : "failed",
                clock.Elapsed);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendWithFailoverAsync(string operation, string? key, Func<Uri, HttpRequestMessage> build,
        string? idempotencyKey, Activity? activity, Stopwatch clock, HttpCompletionOption completion, TimeSpan requestTimeout,
        CancellationToken cancellationToken)
    {
        string what = key is null ? operation : $"{operation} {key}";
        int[] order = Order();
        var tried = new List<string>();
        Exception? lastError = null;
        HttpStatusCode? lastStatus = null;
        for (int attempt = 0; ; attempt++)
        {
            int index = order[attempt % order.Length];
            var endpoint = _endpoints[index];
            activity?.SetTag(KvClientTelemetry.NodeTag, endpoint.AbsoluteUri);
            activity?.SetTag(KvClientTelemetry.AttemptsTag, attempt + 1);
            var remaining = _retryBudget - clock.Elapsed;
            var limit = remaining < requestTimeout ? remaining : requestTimeout;
            if (limit < TimeSpan.FromMilliseconds(1)) limit = TimeSpan.FromMilliseconds(1);
            using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptTimeout.CancelAfter(limit);
                using var request = build(endpoint);
                if (_token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                try
                {
                    var response = await _http.SendAsync(request, completion, attemptTimeout.Token).ConfigureAwait(false);
                    if (!IsRetryable(response.StatusCode))
                    {
                        Volatile.Write(ref _downUntil[index], 0);
                        return response;
                    }
                    using (response)
                    {
                        lastStatus = response.StatusCode;
                        var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
                        tried.Add($"{endpoint}: {(int)response.StatusCode} {problem?.Title ?? response.ReasonPhrase}");
                    }
                }
                catch (HttpRequestException e)
                {
                    lastError = e;
                    lastStatus = null;
                    tried.Add($"{endpoint}: no connection or no whole answer ({e.Message})");
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = e;
                    lastStatus = null;
                    tried.Add($"{endpoint}: no answer within {limit.TotalSeconds:0.###} s");
                }
            }
            Volatile.Write(ref _downUntil[index], Environment.TickCount64 + (long)EndpointCooldown.TotalMilliseconds);
            KvClientTelemetry.Failovers.Add(1, new KeyValuePair<string, object?>(KvClientTelemetry.OperationTag, operation));
            activity?.AddEvent(new ActivityEvent("kv.attempt_failed", tags: new ActivityTagsCollection
            {
                [KvClientTelemetry.NodeTag] = endpoint.AbsoluteUri,
                [KvClientTelemetry.ReasonTag] = tried[^1],
            }));

            var delay = Backoff(attempt);
            if (attempt + 1 >= _maxAttempts || clock.Elapsed + delay >= _retryBudget)
            {
                string message = $"{what}: no node could serve it in {tried.Count} attempt(s) over {clock.Elapsed.TotalSeconds:0.0} s. " +
                    $"Tried: {string.Join("; ", tried)}.";
                if (idempotencyKey is not null)
                {
                    message += $" The write may have been applied: calling again with KvWriteOptions.IdempotencyKey = \"{idempotencyKey}\" applies it at most once.";
                }
                throw new KvUnavailableException(message, tried, idempotencyKey, lastStatus, lastError);
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    // 502 and 504 come from a proxy in front of a node; 503 is the node's "not now" (a write answered 503 may have been
    // applied, which the idempotency key makes harmless to send again).
    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    // The endpoints in the order a call tries them: starting one further on than the last call, nodes that failed lately last.
    private int[] Order()
    {
        int count = _endpoints.Length;
        int start = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
        long now = Environment.TickCount64;
        var up = new List<int>(count);
        var down = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            int index = (start + i) % count;
            (Volatile.Read(ref _downUntil[index]) > now ? down : up).Add(index);
        }
        return [.. up, .. down];
    }

    private TimeSpan Backoff(int attempt)
    {
        double milliseconds = Math.Min(_retryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)), _maxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(milliseconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    private HttpRequestMessage ReadRequest(Uri endpoint, string relative, KvConsistency consistency)
    {
        string name = consistency switch
        {
            KvConsistency.Session => "session",
            KvConsistency.Linearizable => "linearizable",
            KvConsistency.Local => "local",
            _ => throw new ArgumentOutOfRangeException(nameof(consistency), consistency, "Unknown consistency."),
        };
        var request = new HttpRequestMessage(HttpMethod.Get, NodeUri(endpoint, relative + (relative.Contains('?') ? "&" : "?") + "consistency=" + name));
        long seq = SessionSeq;
        if (consistency == KvConsistency.Session && seq > 0) request.Headers.Add(MinSeqHeader, seq.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    private static void AddWriteHeaders(HttpRequestMessage request, KvWriteOptions? options, string idempotencyKey)
    {
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        if (options?.IfVersion is long version)
        {
            request.Headers.TryAddWithoutValidation("If-Match", "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"");
        }
        if (options?.IfAbsent == true) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
    }

    private static string IdempotencyKeyFor(KvWriteOptions? options, bool allowIfAbsent)
    {
        if (options is not null)
        {
            if (options.IfAbsent && !allowIfAbsent) throw new ArgumentException("IfAbsent applies to puts only; a delete takes IfVersion.", nameof(options));
            if (options.LeaseId is not null && !allowIfAbsent) throw new ArgumentException("LeaseId applies to puts only: a delete detaches the key anyway.", nameof(options));
            if (options.IfAbsent && options.IfVersion is not null)
            {
                throw new ArgumentException("Give IfVersion or IfAbsent, not both: a key that does not exist has no version.", nameof(options));
            }
            if (options.IfVersion is < 1) throw new ArgumentException("IfVersion must be a key's version, 1 or more.", nameof(options));
        }
        string? given = options?.IdempotencyKey;
        if (given is null) return Guid.NewGuid().ToString("N");
        if (given.Length is 0 or > MaxIdempotencyKeyLength || given.Any(c => c < 0x21 || c > 0x7E))
        {
            throw new ArgumentException($"IdempotencyKey must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters.", nameof(options));
        }
        return given;
    }

    // The session: the highest X-Kv-Seq seen so far.
    private long Observe(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues(SeqHeader, out var values)
            || !long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long seq))
        {
            return 0;
        }
        AdvanceSession(seq);
        return seq;
    }

    private static long? ETagVersion(HttpResponseMessage response) =>
        response.Headers.ETag?.Tag is { } tag && long.TryParse(tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out long version)
            ? version
            : null;

    // The key as one path segment: '/' is escaped, and so are the dots of "." and "..", which would otherwise be read as segments.
    private static string KeyPath(string key) =>
        "v1/kv/" + (key is "." or ".." ? key.Replace(".", "%2E", StringComparison.Ordinal) : Uri.EscapeDataString(key));

    // Sent as written: no unescaping of %2F or removal of dot segments on the way.
    private static Uri NodeUri(Uri endpoint, string relative) =>
        new(endpoint.AbsoluteUri + relative, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private static Uri WithTrailingSlash(Uri endpoint) =>
        endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");

    private static async Task<KvException> ErrorAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
        string title = problem?.Title ?? response.ReasonPhrase ?? response.StatusCode.ToString();
        string message = $"{what}: {(int)response.StatusCode} {title}" + (problem?.Detail is { } detail ? $": {detail}" : ".");
        return new KvException(message, response.StatusCode, problem?.Title, problem?.Detail);
    }

    private static async Task<ProblemBody?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ProblemBody, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
