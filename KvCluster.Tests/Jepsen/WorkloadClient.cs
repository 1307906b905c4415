using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// One simulated user: random gets (each consistency level), puts, conditional puts and deletes over a few keys, on
/// random nodes. It carries a session (the highest X-Kv-Seq it has seen, sent as X-Kv-Min-Seq on session reads) and
/// retries a write whose outcome it did not learn with the same Idempotency-Key, on any node; one still unknown after
/// <see cref="WorkloadOptions.WriteRetryWindow"/> is set aside (so the client moves on) and retried once the run is over.
/// A share of its operations are transactions over a pair of keys (WorkloadClient.Transactions.cs).
/// </summary>
internal sealed partial class WorkloadClient(int id, IReadOnlyList<HttpClient> nodes, WorkloadOptions options, Stopwatch clock, Random random,
    Func<int> nextIndex, Action<RecordedOperation> record)
{
    private static readonly string[] Consistencies = ["linearizable", "linearizable", "session", "local"];
    private readonly Dictionary<string, long> _lastVersion = new(StringComparer.Ordinal);
    private readonly List<RecordedOperation> _unresolved = [];
    private long _sessionSeq;
    private int _written;

    public async Task RunAsync(Func<bool> keepGoing)
    {
        while (keepGoing())
        {
            int index = nextIndex();
            if (random.NextDouble() < options.TransactionShare)
            {
                record(await TxnAsync(index, random.Next(nodes.Count)).ConfigureAwait(false));
                continue;
            }
            string key = "k" + random.Next(options.Keys).ToString(CultureInfo.InvariantCulture);
            int node = random.Next(nodes.Count);
            double roll = random.NextDouble();
            var operation = roll < 0.5 ? await GetAsync(index, node, key).ConfigureAwait(false)
                : roll < 0.85 ? await PutAsync(index, node, key).ConfigureAwait(false)
                : await DeleteAsync(index, node, key).ConfigureAwait(false);
            record(operation);
        }
    }

    private long Now => clock.Elapsed.Ticks / 10;

    private async Task<RecordedOperation> GetAsync(int index, int node, string key)
    {
        string consistency = Consistencies[random.Next(Consistencies.Length)];
        long minSeq = consistency == "session" ? _sessionSeq : 0;
        var operation = new RecordedOperation
        {
            Index = index, Client = id, Node = node, Kind = OperationKind.Get, Key = key, Consistency = consistency, MinSeq = minSeq, Call = Now,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, Path(key) + "?consistency=" + consistency);
        if (minSeq > 0) request.Headers.Add("X-Kv-Min-Seq", minSeq.ToString(CultureInfo.InvariantCulture));
        operation.Attempts = 1;
        try
        {
            using var response = await nodes[node].SendAsync(request).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            operation.Return = Now;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    operation.Outcome = OperationOutcome.Ok;
                    operation.ValueRead = body;
                    operation.Version = ETagVersion(response);
                    operation.Seq = Seq(response);
                    _lastVersion[key] = operation.Version;
                    break;
                case HttpStatusCode.NotFound:
                    operation.Outcome = OperationOutcome.NotFound;
                    operation.Seq = Seq(response);
                    break;
                case HttpStatusCode.ServiceUnavailable:
                    operation.Outcome = OperationOutcome.NoAnswer;
                    break;
                default:
                    operation.Outcome = OperationOutcome.NoAnswer;
                    operation.Unexpected = true;
                    operation.Error = $"{(int)response.StatusCode}: {body}";
                    break;
            }
            _sessionSeq = Math.Max(_sessionSeq, operation.Seq);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            operation.Return = Now;
            operation.Outcome = OperationOutcome.NoAnswer;
            operation.Error = e.GetType().Name + ": " + e.Message;
        }
        return operation;
    }

    private async Task<RecordedOperation> PutAsync(int index, int node, string key)
    {
        if (random.NextDouble() < options.LeasedPutShare && await GrantLeaseAsync(node).ConfigureAwait(false) is { } lease)
        {
            return await LeasedPutAsync(index, node, key, lease).ConfigureAwait(false);
        }
        string value = $"c{id}-{++_written}";
        double roll = random.NextDouble();
        var (precondition, match) = roll < 0.55 ? (KvPrecondition.None, 0L)
            : roll < 0.85 ? (KvPrecondition.IfMatch, GuessVersion(key))
            : (KvPrecondition.IfNoneMatch, 0L);
        return await WriteAsync(new RecordedOperation
        {
            Index = index, Client = id, Node = node, Kind = OperationKind.Put, Key = key, Value = value, Precondition = precondition,
            MatchVersion = match, IdempotencyKey = $"w{options.Seed}-c{id}-{_written}", Call = Now,
        }).ConfigureAwait(false);
    }

    private Task<RecordedOperation> DeleteAsync(int index, int node, string key)
    {
        var (precondition, match) = random.NextDouble() < 0.6 ? (KvPrecondition.None, 0L) : (KvPrecondition.IfMatch, GuessVersion(key));
        return WriteAsync(new RecordedOperation
        {
            Index = index, Client = id, Node = node, Kind = OperationKind.Delete, Key = key, Precondition = precondition, MatchVersion = match,
            IdempotencyKey = $"d{options.Seed}-c{id}-{++_written}", Call = Now,
        });
    }

    // Usually the version this client last saw, so conditional writes often succeed; sometimes a made-up one.
    private long GuessVersion(string key) =>
        _lastVersion.TryGetValue(key, out long version) && random.NextDouble() < 0.85 ? version : 1 + random.Next(50);

    private async Task<RecordedOperation> WriteAsync(RecordedOperation operation)
    {
        if (!await RetryAsync(operation, operation.Node, options.WriteRetryWindow).ConfigureAwait(false)) _unresolved.Add(operation);
        return operation;
    }

    /// <summary>
    /// After the run (faults healed), retries each write this client gave up on, with its Idempotency-Key: the answer
    /// is the one it got when it was sequenced, or it is applied now. Either way it happened between its call and now.
    /// </summary>
    public async Task ResolveAsync(TimeSpan window)
    {
        foreach (var operation in _unresolved) await RetryAsync(operation, random.Next(nodes.Count), window).ConfigureAwait(false);
        _unresolved.Clear();
    }

    /// <summary>Tries until the outcome is known or <paramref name="window"/> has passed; false leaves it unknown.</summary>
    private async Task<bool> RetryAsync(RecordedOperation operation, int node, TimeSpan window)
    {
        var giveUp = Stopwatch.StartNew();
        while (true)
        {
            operation.Attempts++;
            if (await TryWriteAsync(operation, nodes[node]).ConfigureAwait(false)) return true;
            if (giveUp.Elapsed > window)
            {
                operation.Outcome = OperationOutcome.Unknown;
                operation.Return = null;
                return false;
            }
            await Task.Delay(50 + random.Next(100)).ConfigureAwait(false);
            node = random.Next(nodes.Count);
        }
    }

    /// <summary>One attempt; true when the outcome is known (success, 404, 412 or an answer no retry can change).</summary>
    private async Task<bool> TryWriteAsync(RecordedOperation operation, HttpClient node)
    {
        if (operation.Kind == OperationKind.Txn) return await TryTxnAsync(operation, node).ConfigureAwait(false);
        var method = operation.Kind == OperationKind.Put ? HttpMethod.Put : HttpMethod.Delete;
        string query = operation.Lease is null ? "" : "?lease=" + operation.Lease;
        using var request = new HttpRequestMessage(method, Path(operation.Key) + query);
        if (operation.Kind == OperationKind.Put) request.Content = new StringContent(operation.Value!, Encoding.UTF8, "text/plain");
        request.Headers.Add("Idempotency-Key", operation.IdempotencyKey);
        if (operation.Precondition == KvPrecondition.IfMatch) request.Headers.TryAddWithoutValidation("If-Match", $"\"{operation.MatchVersion}\"");
        if (operation.Precondition == KvPrecondition.IfNoneMatch) request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        try
        {
            using var response = await node.SendAsync(request).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            long now = Now;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK or HttpStatusCode.Created:
                    operation.Outcome = OperationOutcome.Ok;
                    operation.Version = ETagVersion(response);
                    operation.Created = response.StatusCode == HttpStatusCode.Created;
                    _lastVersion[operation.Key] = operation.Version;
                    break;
                case HttpStatusCode.NoContent:
                    operation.Outcome = OperationOutcome.Ok;
                    operation.Version = Seq(response);
                    break;
                case HttpStatusCode.NotFound:
                    operation.Outcome = OperationOutcome.NotFound;
                    break;
                case HttpStatusCode.PreconditionFailed:
                    operation.Outcome = OperationOutcome.PreconditionFailed;
                    break;
                default:
                    return NotAnOutcome(operation, response.StatusCode, body);
            }
            operation.Return = now;
            operation.Seq = response.Headers.Contains("X-Kv-Seq") ? Seq(response) : 0;
            _sessionSeq = Math.Max(_sessionSeq, operation.Seq);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            operation.Error = e.GetType().Name + ": " + e.Message;
            return false;
        }
    }

    /// <summary>
    /// An answer that is not the write's outcome: 503 is worth retrying (false); anything else no correct node answers
    /// to a well-formed request, so it is recorded and the write stops, its outcome unknown (true).
    /// </summary>
    private static bool NotAnOutcome(RecordedOperation operation, HttpStatusCode status, string body)
    {
        operation.Error = $"{(int)status}: {body}";
        if (status == HttpStatusCode.ServiceUnavailable) return false;
        operation.Unexpected = true;
        operation.Outcome = OperationOutcome.Unknown;
        return true;
    }

    private static string Path(string key) => "/v1/kv/" + Uri.EscapeDataString(key);

    private static long Seq(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("X-Kv-Seq").Single(), CultureInfo.InvariantCulture);

    private static long ETagVersion(HttpResponseMessage response) =>
        long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
}
