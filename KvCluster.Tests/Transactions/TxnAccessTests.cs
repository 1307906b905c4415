using System.Net;
using System.Text.Json;
using KvCluster.Tests.Security;

namespace KvCluster.Tests.Transactions;

/// <summary>
/// POST /v1/txn on a node hosted in process with client tokens on: the Write role, every key within a prefixed token's
/// prefix (403 problem details otherwise, and nothing applied), and the answer's shape.
/// </summary>
public sealed class TxnAccessTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    private async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body)> TxnAsync(string json, string token)
    {
        using var http = new HttpClient { BaseAddress = services.Node.BaseAddress };
        using var response = await http.SendAsync(Request.Json(HttpMethod.Post, "/v1/txn", json).WithToken(token));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_prefixed_writer_may_name_only_keys_under_its_prefix_in_compares_and_in_both_branches()
    {
        string n = Guid.NewGuid().ToString("N")[..8];
        var inside = await TxnAsync($$"""{"compare":[{"key":"app/{{n}}","exists":false}],"success":[{"op":"put","key":"app/{{n}}","value":"1"}],"failure":[{"op":"get","key":"app/{{n}}"}]}""",
            TestTokens.AppWriter);
        Assert.Equal(HttpStatusCode.OK, inside.Status);
        Assert.True(inside.Body.GetProperty("succeeded").GetBoolean());

        string[] outside =
        [
            $$"""{"compare":[{"key":"other/{{n}}","exists":false}],"success":[{"op":"put","key":"app/{{n}}-2","value":"1"}]}""",
            $$"""{"success":[{"op":"put","key":"app/{{n}}-2","value":"1"},{"op":"put","key":"other/{{n}}","value":"1"}]}""",
            $$"""{"compare":[{"key":"app/{{n}}","exists":false}],"failure":[{"op":"put","key":"app/{{n}}-2","value":"1"},{"op":"get","key":"ap"}]}""",
        ];
        foreach (string json in outside)
        {
            var refused = await TxnAsync(json, TestTokens.AppWriter);
            Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (refused.Status, refused.MediaType));
            Assert.Contains("outside this token's prefix 'app/'", refused.Body.GetProperty("detail").GetString());
        }

        // None of the refused transactions ran: app/{n}-2 was never written.
        var check = await TxnAsync($$"""{"success":[{"op":"get","key":"app/{{n}}-2"},{"op":"get","key":"other/{{n}}"}]}""", TestTokens.Admin);
        Assert.All(check.Body.GetProperty("results").EnumerateArray(), result => Assert.False(result.GetProperty("found").GetBoolean()));
    }

    [Fact]
    public async Task A_reader_is_refused_even_a_transaction_of_gets_only()
    {
        var refused = await TxnAsync("""{"success":[{"op":"get","key":"app/x"}]}""", TestTokens.AppReader);
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (refused.Status, refused.MediaType));
    }

    [Fact]
    public async Task Results_give_a_get_its_value_as_text_when_it_is_UTF8_and_as_base64_otherwise()
    {
        string n = Guid.NewGuid().ToString("N")[..8];
        var answer = await TxnAsync($$"""
            {"success":[{"op":"put","key":"t/{{n}}","value":"héllo","contentType":"text/plain"},{"op":"put","key":"b/{{n}}","valueBase64":"AP8="},
                        {"op":"get","key":"t/{{n}}"},{"op":"get","key":"b/{{n}}"},{"op":"delete","key":"none/{{n}}"},{"op":"get","key":"none/{{n}}"}]}
            """, TestTokens.Writer);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        long seq = answer.Body.GetProperty("seq").GetInt64();
        var results = answer.Body.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal($$"""{"op":"put","key":"t/{{n}}","version":{{seq}}}""", results[0].GetRawText());
        Assert.Equal($$"""{"op":"get","key":"t/{{n}}","version":{{seq}},"found":true,"contentType":"text/plain","value":"h\u00E9llo"}""", results[2].GetRawText());
        Assert.Equal("AP8=", results[3].GetProperty("valueBase64").GetString());
        Assert.False(results[3].TryGetProperty("value", out _));
        Assert.Equal($$"""{"op":"delete","key":"none/{{n}}","deleted":false}""", results[4].GetRawText());
        Assert.Equal($$"""{"op":"get","key":"none/{{n}}","found":false}""", results[5].GetRawText());
    }

    [Fact]
    public async Task A_malformed_transaction_is_400_problem_details()
    {
        var refused = await TxnAsync("""{"success":[{"op":"increment","key":"k"}]}""", TestTokens.Writer);
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (refused.Status, refused.MediaType));
        Assert.Equal("Invalid transaction", refused.Body.GetProperty("title").GetString());
    }
}
