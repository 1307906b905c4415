using Xunit.Abstractions;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// One 3-node cluster for a whole test class (<c>IClassFixture&lt;SharedCluster&gt;</c>), for tests that only read and
/// write their own keys: starting a cluster is most of such a test's time. Each test calls <see cref="For"/> so the
/// services' lines go to its own output.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private ITestOutputHelper? _output;
    private TestCluster? _cluster;

    /// <summary>The cluster, its output now going to <paramref name="output"/>.</summary>
    public TestCluster For(ITestOutputHelper output)
    {
        Volatile.Write(ref _output, output);
        return _cluster ?? throw new InvalidOperationException("The shared cluster did not start.");
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(ClusterOptions.ForTest(nodes: 3), Forward);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private void Forward(string line)
    {
        try
        {
            Volatile.Read(ref _output)?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // Between tests: no test is there to take the line.
        }
    }
}
