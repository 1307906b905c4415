using KvCluster.AppHost.Local;

namespace KvCluster.Tests.AppHost;

public sealed class ConsoleOutputFilterTests
{
    [Fact]
    public void Information_entries_are_hidden_with_their_continuation_lines_warnings_and_errors_are_shown()
    {
        var filter = new ConsoleOutputFilter(verbose: false);

        Assert.False(filter.ShouldShow("[node-1] info: Microsoft.Hosting.Lifetime[14]"));
        Assert.False(filter.ShouldShow("[node-1]       Now listening on: http://127.0.0.1:5101"));
        Assert.True(filter.ShouldShow("[node-1] warn: KvCluster.Node.Replication[3]"));
        Assert.True(filter.ShouldShow("[node-1]       Node is 20000 entries behind the log head"));
        Assert.True(filter.ShouldShow("[node-1] fail: KvCluster.Node.Replication[7]"));
        Assert.True(filter.ShouldShow("[node-1]       Chain hash mismatch at seq 42"));
    }

    [Fact]
    public void Each_child_keeps_its_own_place_in_its_entries()
    {
        var filter = new ConsoleOutputFilter(verbose: false);

        Assert.True(filter.ShouldShow("[node-1] fail: Something[1]"));
        Assert.False(filter.ShouldShow("[node-2] info: Something[2]"));
        Assert.True(filter.ShouldShow("[node-1]       the failure's detail"));
        Assert.False(filter.ShouldShow("[node-2]       the information's detail"));
    }

    [Fact]
    public void Crashes_and_supervisor_notices_are_always_shown()
    {
        var filter = new ConsoleOutputFilter(verbose: false);

        Assert.False(filter.ShouldShow("[node-1] info: Something[1]"));
        Assert.True(filter.ShouldShow("[node-1] Unhandled exception. System.IO.IOException: Failed to bind"));
        Assert.True(filter.ShouldShow("[node-1] (apphost) exited unexpectedly with code 134; restarting in 0.5 s"));
    }

    [Fact]
    public void Redis_shows_only_its_warnings()
    {
        var filter = new ConsoleOutputFilter(verbose: false);

        Assert.False(filter.ShouldShow("[redis] 10113:M 22 Nov 2026 01:50:44.406 * Ready to accept connections tcp"));
        Assert.True(filter.ShouldShow("[redis] 10113:M 22 Nov 2026 01:50:44.406 # WARNING Memory overcommit must be enabled!"));
    }

    [Fact]
    public void Verbose_shows_everything()
    {
        var filter = new ConsoleOutputFilter(verbose: true);

        Assert.True(filter.ShouldShow("[node-1] info: Microsoft.Hosting.Lifetime[14]"));
        Assert.True(filter.ShouldShow("[redis] 10113:M 22 Nov 2026 01:50:44.406 * Ready to accept connections tcp"));
    }
}
