using KvCluster.Node.Api;
using Microsoft.AspNetCore.Http;

namespace KvCluster.Tests.Api;

/// <summary>A read's consistency comes from the query as Request.Query would see it, else from the header.</summary>
public sealed class ReadRequestTests
{
    [Theory]
    [InlineData("?consistency=local", ReadConsistency.Local)]
    [InlineData("?Consistency=LOCAL", ReadConsistency.Local)]
    [InlineData("?consist%65ncy=session", ReadConsistency.Session)]
    [InlineData("?other=1&consistency=session&consistency=local", ReadConsistency.Session)]
    [InlineData("?consistency=", ReadConsistency.Linearizable)]
    [InlineData("", ReadConsistency.Linearizable)]
    public void The_query_names_the_consistency(string query, ReadConsistency expected)
    {
        Assert.True(ReadRequest.TryParse(Request(query), out var read, out string error), error);
        Assert.Equal(expected, read.Consistency);
    }

    [Fact]
    public void Without_the_parameter_the_header_names_it_and_the_query_wins_over_the_header()
    {
        Assert.True(ReadRequest.TryParse(Request("", header: "local"), out var fromHeader, out _));
        Assert.True(ReadRequest.TryParse(Request("?consistency=session", header: "local"), out var fromQuery, out _));

        Assert.Equal(ReadConsistency.Local, fromHeader.Consistency);
        Assert.Equal(ReadConsistency.Session, fromQuery.Consistency);
    }

    [Fact]
    public void An_unknown_consistency_is_refused_by_name()
    {
        Assert.False(ReadRequest.TryParse(Request("?consistency=eventual"), out _, out string error));
        Assert.Contains("'eventual'", error);
    }

    private static HttpRequest Request(string query, string? header = null)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        if (header is not null) context.Request.Headers[ReadRequest.ConsistencyHeader] = header;
        return context.Request;
    }
}
