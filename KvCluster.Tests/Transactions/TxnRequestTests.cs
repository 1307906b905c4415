using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KvCluster.Node.Transactions;
using KvCluster.Tests.Fuzz;

namespace KvCluster.Tests.Transactions;

/// <summary>The body of POST /v1/txn turned into a transaction, or refused with the status and a detail that says why.</summary>
public sealed class TxnRequestTests
{
    private static readonly TxnLimits Limits = new(MaxOperations: 8, MaxBytes: 4096, MaxValueBytes: 1024);

    private static Transaction Parse(string json)
    {
        Assert.True(TxnRequest.TryParse(Encoding.UTF8.GetBytes(json), Limits, out var transaction, out var error), error.Detail);
        return transaction;
    }

    private static TxnRequestError Refuse(string json)
    {
        Assert.False(TxnRequest.TryParse(Encoding.UTF8.GetBytes(json), Limits, out _, out var error), "accepted: " + json);
        return error;
    }

    [Fact]
    public void The_readme_example_parses_into_its_compares_and_branches()
    {
        var transaction = Parse("""
            {"compare": [{"key": "a", "version": 12}, {"key": "b", "exists": false}, {"key": "c", "value": "on"}, {"key": "d", "valueBase64": "AP8="}],
             "success": [{"op": "put", "key": "a", "value": "x", "contentType": "text/plain"}, {"op": "delete", "key": "b"}, {"op": "get", "key": "c"}],
             "failure": [{"op": "get", "key": "a"}]}
            """);

        Assert.Equal([TxnCompareKind.Version, TxnCompareKind.Exists, TxnCompareKind.Value, TxnCompareKind.Value], transaction.Compare.Select(c => c.Kind));
        Assert.Equal(12, transaction.Compare[0].Version);
        Assert.False(transaction.Compare[1].Exists);
        Assert.Equal("on"u8.ToArray(), transaction.Compare[2].Value.ToArray());
        Assert.Equal(new byte[] { 0, 0xFF }, transaction.Compare[3].Value.ToArray());
        Assert.Equal([TxnOpKind.Put, TxnOpKind.Delete, TxnOpKind.Get], transaction.Success.Select(op => op.Kind));
        Assert.Equal(("a", "x", "text/plain"), (transaction.Success[0].Key, Encoding.UTF8.GetString(transaction.Success[0].Value.Span), transaction.Success[0].ContentType));
        Assert.Equal(TxnOpKind.Get, Assert.Single(transaction.Failure).Kind);
    }

    [Fact]
    public void A_branch_may_be_missing_and_a_put_of_an_empty_value_is_allowed()
    {
        var transaction = Parse("""{"success": [{"op": "put", "key": "k", "value": ""}]}""");
        Assert.Empty(transaction.Compare);
        Assert.Empty(transaction.Failure);
        Assert.Equal(0, transaction.Success[0].Value.Length);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "not JSON", "{", "not a transaction in JSON" },
        { "JSON null", "null", "must be a JSON object" },
        { "an array", "[]", "not a transaction in JSON" },
        { "a misspelt member", """{"compares": []}""", "compares" },
        { "empty", "{}", "empty" },
        { "empty lists", """{"compare": [], "success": [], "failure": []}""", "empty" },
        { "unknown op", """{"success": [{"op": "increment", "key": "k"}]}""", "unknown op 'increment'" },
        { "no op", """{"success": [{"key": "k"}]}""", "has no op" },
        { "missing key", """{"success": [{"op": "get"}]}""", "success[0] has no key" },
        { "empty key", """{"failure": [{"op": "get", "key": ""}]}""", "failure[0]: The key is empty" },
        { "control character in key", """{"success": [{"op": "get", "key": "a\u0001"}]}""", "control character" },
        { "key too long", $$"""{"success": [{"op": "get", "key": "{{new string('k', 1025)}}"}]}""", "longer than 1024 bytes" },
        { "compare key invalid", """{"compare": [{"key": "", "exists": true}], "success": [{"op": "get", "key": "k"}]}""", "compare[0]: The key is empty" },
        { "value and valueBase64", """{"success": [{"op": "put", "key": "k", "value": "a", "valueBase64": "YQ=="}]}""", "both value and valueBase64" },
        { "bad base64", """{"success": [{"op": "put", "key": "k", "valueBase64": "not base64!"}]}""", "not valid base64" },
        { "a put without a value", """{"success": [{"op": "put", "key": "k"}]}""", "without value or valueBase64" },
        { "a get with a value", """{"success": [{"op": "get", "key": "k", "value": "v"}]}""", "belong to a put" },
        { "a compare with nothing to compare", """{"compare": [{"key": "k"}]}""", "exactly one of version, exists, value or valueBase64; it gives 0" },
        { "a compare with two", """{"compare": [{"key": "k", "version": 1, "exists": true}]}""", "it gives 2" },
        { "a compare with value and valueBase64", """{"compare": [{"key": "k", "value": "a", "valueBase64": "YQ=="}]}""", "it gives 2" },
        { "negative version", """{"compare": [{"key": "k", "version": -1}]}""", "negative" },
        { "a version that is not a number", """{"compare": [{"key": "k", "version": true}]}""", "$.compare[0].version" },
        { "a lease", """{"success": [{"op": "put", "key": "k", "value": "v", "lease": "abc"}]}""", "names a lease" },
        { "the same key written twice", """{"success": [{"op": "put", "key": "k", "value": "1"}, {"op": "delete", "key": "k"}]}""", "a second time" },
        { "a null operation", """{"success": [null]}""", "success[0] is null" },
        { "more operations than the limit", """{"compare": [{"key": "a", "exists": true}, {"key": "b", "exists": true}, {"key": "c", "exists": true}], "success": [{"op": "get", "key": "a"}, {"op": "get", "key": "b"}, {"op": "get", "key": "c"}], "failure": [{"op": "get", "key": "a"}, {"op": "get", "key": "b"}, {"op": "get", "key": "c"}]}""", "9 compares and operations; the limit is 8" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_malformed_transaction_is_400_with_a_detail_that_names_the_problem(string why, string json, string detailHas)
    {
        var error = Refuse(json);
        Assert.True(error.Status == 400, $"{why}: {error.Status} {error.Detail}");
        Assert.Contains(detailHas, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_put_value_over_Kv_MaxValueBytes_or_a_transaction_over_Kv_Txn_MaxBytes_is_413()
    {
        var value = Refuse($$"""{"success": [{"op": "put", "key": "k", "value": "{{new string('v', 1025)}}"}]}""");
        Assert.Equal((413, true), (value.Status, value.Detail.Contains("Kv:MaxValueBytes", StringComparison.Ordinal)));

        string fiveValues = string.Join(", ", Enumerable.Range(0, 5).Select(i => $$"""{"op": "put", "key": "k{{i}}", "value": "{{new string('v', 1000)}}"}"""));
        var total = Refuse($$"""{"success": [{{fiveValues}}]}""");
        Assert.Equal((413, true), (total.Status, total.Detail.Contains("Kv:Txn:MaxBytes", StringComparison.Ordinal)));

        // Four of them fit.
        string fourValues = string.Join(", ", Enumerable.Range(0, 4).Select(i => $$"""{"op": "put", "key": "k{{i}}", "value": "{{new string('v', 1000)}}"}"""));
        Assert.Equal(4, Parse($$"""{"success": [{{fourValues}}]}""").Success.Count);
    }

    [Fact]
    public void Every_key_named_is_checked_against_a_prefix()
    {
        var inside = Parse("""{"compare": [{"key": "app/a", "exists": true}], "success": [{"op": "put", "key": "app/b", "value": "v"}], "failure": [{"op": "get", "key": "app/c"}]}""");
        Assert.Null(TxnRequest.FirstKeyOutside(inside, "app/"));

        Assert.Equal("other", TxnRequest.FirstKeyOutside(Parse("""{"compare": [{"key": "other", "exists": true}], "success": [{"op": "get", "key": "app/b"}]}"""), "app/"));
        Assert.Equal("ap", TxnRequest.FirstKeyOutside(Parse("""{"failure": [{"op": "get", "key": "app/x"}, {"op": "get", "key": "ap"}]}"""), "app/"));
    }

    [Fact]
    public void Any_bytes_as_a_body_are_parsed_or_refused_with_400_or_413_and_never_throw()
    {
        var valid = Gen.Elements(
            """{"compare":[{"key":"a","version":12},{"key":"b","exists":false},{"key":"c","value":"on"}],"success":[{"op":"put","key":"a","value":"x","contentType":"text/plain"},{"op":"delete","key":"b"},{"op":"get","key":"c"}],"failure":[{"op":"get","key":"a"}]}""",
            """{"success":[{"op":"put","key":"k","valueBase64":"AP8="}]}""",
            """{"compare":[{"key":"k","valueBase64":"AA=="}],"failure":[{"op":"get","key":"k"}]}""").Select(Encoding.UTF8.GetBytes);
        var bodies = Gen.Frequency((1, ByteMutations.RandomBytes), (4, ByteMutations.Mutated(valid))).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), Prop.ForAll(bodies, body =>
        {
            if (!TxnRequest.TryParse(body, Limits, out var transaction, out var error))
            {
                Assert.True(error.Status is 400 or 413, $"{error.Status} {error.Detail}");
                Assert.False(string.IsNullOrEmpty(error.Detail));
            }
            else
            {
                Assert.True(transaction.OperationCount > 0);
                Assert.True(TxnCodec.GetEncodedLength(transaction) <= Limits.MaxBytes);
            }
        }));
    }
}
