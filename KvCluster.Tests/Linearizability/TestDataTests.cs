namespace KvCluster.Tests.Linearizability;

public sealed class TestDataTests
{
    [Fact]
    public void A_missing_data_directory_is_an_error_that_says_where_it_was_looked_for()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => TestData.Directory("no-such-data"));

        Assert.Contains("shared/testdata/no-such-data", error.Message);
    }
}
