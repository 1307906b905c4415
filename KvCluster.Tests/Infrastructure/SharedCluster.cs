using Xunit.Abstractions;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// One 3-node cluster for a whole test class (<c>IClassFixture&lt;SharedCluster&gt;</c>), for tests that only read and
/// write their own keys: starting a cluster is most of such a test's time. Each test calls <see cref="For"/> so the
/// services' lines go to its own output. A subclass starts it with other options.
/// </summary>
public class SharedCluster : IAsyncLifetime
{
    private readonly Func<ClusterOptions, ClusterOptions> _configure;
    private ITestOutputHelper? _output;
    private TestCluster? _cluster;

    public SharedCluster() : this(options => options)
    {
    }

    /// <summary>A shared cluster started with the options <paramref name="configure"/> makes of the default ones.</summary>
    protected SharedCluster(Func<ClusterOptions, ClusterOptions> configure) => _configure = configure;

    /// <summary>The cluster, its output now going to <paramref name="output"/>.</summary>
    public TestCluster For(ITestOutputHelper output)
    {
        Volatile.Write(ref _output, output);
        return _cluster ?? throw new InvalidOperationException("The shared cluster did not start.");
    }

    /// <summary>The cluster once started, for a subclass cleaning up after it.</summary>
    protected TestCluster? Started => _cluster;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(_configure(ClusterOptions.ForTest(nodes: 3)), Forward);

    public virtual async Task DisposeAsync()
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
