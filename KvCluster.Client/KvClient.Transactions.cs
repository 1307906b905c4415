using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace KvCluster.Client;

public sealed partial class KvClient
{
    /// <inheritdoc />
    public async Task<KvTxnResult> TransactAsync(KvTxn txn, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        if (txn.Compare.Count + txn.Success.Count + txn.Failure.Count == 0)
        {
            throw new ArgumentException("The transaction is empty: give at least one compare or operation.", nameof(txn));
        }
        string key = IdempotencyKeyFor(idempotencyKey is null ? null : new KvWriteOptions { IdempotencyKey = idempotencyKey }, allowIfAbsent: false);
        byte[] body = TxnWire.Encode(txn);
        using var response = await SendAsync("TXN", null, endpoint =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, NodeUri(endpoint, "v1/txn")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(IdempotencyKeyHeader, key);
            return request;
        }, key, cancellationToken).ConfigureAwait(false);
        Observe(response);
        if (response.StatusCode != HttpStatusCode.OK) throw await ErrorAsync(response, "TXN", cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.TxnResponseBody, cancellationToken).ConfigureAwait(false)
            ?? throw new KvException("TXN: the node answered an empty body.", response.StatusCode);
        AdvanceSession(answer.Seq);
        return TxnWire.Decode(answer);
    }
}
