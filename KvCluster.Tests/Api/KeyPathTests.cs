using KvCluster.Node.Api;

namespace KvCluster.Tests.Api;

/// <summary>Keys as they arrive in a request target. (HttpClient repairs some bad encodings, so these go direct.)</summary>
public sealed class KeyPathTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("a/b/c", "a/b/c")]
    [InlineData("caf%C3%A9", "café")]
    [InlineData("space%20here", "space here")]
    [InlineData("plus+stays", "plus+stays")]
    public void Valid_keys_decode(string encoded, string expected)
    {
        Assert.True(KeyPath.TryDecode(encoded, out string key, out string error), error);
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("bad%zzkey", "percent-encoding")]
    [InlineData("truncated%2", "percent-encoding")]
    [InlineData("%E2%28%A1", "UTF-8")]
    [InlineData("bell%07", "control")]
    [InlineData("tab%09", "control")]
    public void Invalid_keys_are_refused_with_a_reason(string encoded, string reason)
    {
        Assert.False(KeyPath.TryDecode(encoded, out _, out string error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Keys_are_limited_to_1024_bytes_of_utf8()
    {
        Assert.True(KeyPath.TryDecode(new string('k', 1024), out _, out _));
        Assert.False(KeyPath.TryDecode(new string('k', 1025), out _, out string error));
        Assert.Contains("1024", error);
        // 342 three-byte characters are 1026 bytes although only 342 characters.
        Assert.False(KeyPath.TryDecode(string.Concat(Enumerable.Repeat("%E2%82%AC", 342)), out _, out _));
    }
}
