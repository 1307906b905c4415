using System.Net;
using System.Text;
using KvCluster.Client;

namespace KvCluster.Tests.Client;

/// <summary><see cref="KvClient.TransactAsync"/> against fake nodes: the request's JSON, one idempotency key over retries, the results.</summary>
public sealed class KvClientTxnTests
{
    [Fact]
    public async Task A_transaction_is_sent_as_the_servers_json_with_one_idempotency_key_over_retries_and_its_results_are_read()
    {
        int calls = 0;
        var nodes = new FakeNodes(_ => Interlocked.Increment(ref calls) == 1
            ? FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, "Log unavailable", "Retry.")
            : FakeNodes.Respond(HttpStatusCode.OK, seq: 57, body: """
                {"succeeded":false,"seq":57,"results":[
                  {"op":"get","key":"acct/alice","version":55,"found":true,"contentType":"text/plain","value":"70"},
                  {"op":"get","key":"acct/bob","found":false},
                  {"op":"get","key":"bin","version":3,"found":true,"contentType":"","valueBase64":"/wA="},
                  {"op":"delete","key":"old","deleted":true},
                  {"op":"put","key":"new","version":57}]}
                """));
        using var client = FakeNodes.Client(nodes, new Uri("http://127.0.0.1:5101"), new Uri("http://127.0.0.1:5102"));
        var txn = new KvTxn()
            .If(KvCompare.VersionIs("acct/alice", 41), KvCompare.Absent("acct/bob"), KvCompare.Present("p"),
                KvCompare.ValueIs("t", "on"), KvCompare.ValueIs("b", new byte[] { 0xff }))
            .Then(KvTxnOp.PutString("acct/alice", "90"), KvTxnOp.Put("raw", new byte[] { 0xfe }), KvTxnOp.Delete("acct/old"))
            .Else(KvTxnOp.Get("acct/alice"), KvTxnOp.Get("acct/bob"));

        var result = await client.TransactAsync(txn);

        var sent = nodes.Sent.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, r => Assert.Equal("/v1/txn", r.Uri.AbsolutePath));
        Assert.All(sent, r => Assert.Equal("application/json", r.ContentType));
        Assert.Equal(sent[0].Header("Idempotency-Key"), sent[1].Header("Idempotency-Key"));
        Assert.False(string.IsNullOrEmpty(sent[0].Header("Idempotency-Key")));
        Assert.Equal(
            """{"compare":[{"key":"acct/alice","version":41},{"key":"acct/bob","exists":false},{"key":"p","exists":true},""" +
            """{"key":"t","value":"on"},{"key":"b","valueBase64":"/w=="}],"success":[""" +
            """{"op":"put","key":"acct/alice","value":"90","contentType":"text/plain; charset=utf-8"},""" +
            """{"op":"put","key":"raw","valueBase64":"/g=="},{"op":"delete","key":"acct/old"}],"failure":[""" +
            """{"op":"get","key":"acct/alice"},{"op":"get","key":"acct/bob"}]}""",
            sent[1].Body);

        Assert.False(result.Succeeded);
        Assert.Equal(57, result.Seq);
        Assert.False(result.Replayed);
        Assert.Equal(57, client.SessionSeq);
        Assert.Equal([KvTxnOpKind.Get, KvTxnOpKind.Get, KvTxnOpKind.Get, KvTxnOpKind.Delete, KvTxnOpKind.Put], result.Results.Select(r => r.Kind));
        Assert.Equal("70", Encoding.UTF8.GetString(result.Results[0].Value!.Value.Span));
        Assert.Equal(55, result.Results[0].Version);
        Assert.False(result.Results[1].Found);
        Assert.Null(result.Results[1].Value);
        Assert.Equal([0xff, 0x00], result.Results[2].Value!.Value.ToArray());
        Assert.True(result.Results[3].Deleted);
        Assert.Equal(57, result.Results[4].Version);
    }

    [Fact]
    public async Task A_refused_transaction_is_a_KvException_with_the_servers_detail_and_an_empty_one_is_refused_before_sending()
    {
        var nodes = new FakeNodes(_ => FakeNodes.Problem(HttpStatusCode.BadRequest, "Invalid transaction", "success[1] writes key 'k' a second time."));
        using var client = FakeNodes.Client(nodes, new Uri("http://127.0.0.1:5101"));

        var refused = await Assert.ThrowsAsync<KvException>(() =>
            client.TransactAsync(new KvTxn().Then(KvTxnOp.Delete("k"), KvTxnOp.Delete("k")), idempotencyKey: "mine-1"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("second time", refused.Message, StringComparison.Ordinal);
        Assert.Equal("mine-1", Assert.Single(nodes.Sent).Header("Idempotency-Key"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.TransactAsync(new KvTxn()));
    }
}
