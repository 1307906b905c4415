using KvCluster.Log.Redis;
using KvCluster.Tests.Infrastructure;
using StackExchange.Redis;

namespace KvCluster.Tests.Checkpoints;

/// <summary>The compaction lease against a real redis-server, with two coordinators contending.</summary>
public sealed class CompactionLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    private RedisTestServer _server = null!;
    private ConnectionMultiplexer _first = null!;
    private ConnectionMultiplexer _second = null!;
    private CompactionLease _a = null!;
    private CompactionLease _b = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisTestServer.StartAsync();
        // Each "coordinator" has its own connection, as separate processes would.
        _first = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        _second = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        _a = new CompactionLease(_first, new LogKeys());
        _b = new CompactionLease(_second, new LogKeys());
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Only_one_owner_holds_the_lease()
    {
        Assert.True(await _a.TryAcquireAsync("coordinator-a", Long));
        Assert.False(await _b.TryAcquireAsync("coordinator-b", Long));
        Assert.True(await _a.TryAcquireAsync("coordinator-a", Long)); // re-acquiring your own lease renews it
        Assert.Equal("coordinator-a", await _b.ReadOwnerAsync());
    }

    [Fact]
    public async Task Only_the_owner_can_renew_or_release_it()
    {
        Assert.True(await _a.TryAcquireAsync("coordinator-a", Long));

        Assert.False(await _b.RenewAsync("coordinator-b", Long));
        Assert.False(await _b.ReleaseAsync("coordinator-b"));
        Assert.Equal("coordinator-a", await _b.ReadOwnerAsync());

        Assert.True(await _a.RenewAsync("coordinator-a", Long));
        Assert.True(await _a.ReleaseAsync("coordinator-a"));
        Assert.Null(await _b.ReadOwnerAsync());
        Assert.False(await _a.ReleaseAsync("coordinator-a"));
        Assert.True(await _b.TryAcquireAsync("coordinator-b", Long));
    }

    [Fact]
    public async Task Contending_owners_get_exactly_one_winner()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? _a : _b).TryAcquireAsync($"coordinator-{i}", Long)));

        Assert.Single(attempts, won => won);
    }

    [Fact]
    public async Task An_expired_lease_can_be_taken_by_another_and_the_old_owner_cannot_renew_it()
    {
        Assert.True(await _a.TryAcquireAsync("coordinator-a", TimeSpan.FromMilliseconds(200)));

        await Eventually.TrueAsync(() => _b.TryAcquireAsync("coordinator-b", Long), TimeSpan.FromSeconds(10),
            () => "the expired lease was never free for coordinator-b");

        Assert.False(await _a.RenewAsync("coordinator-a", Long));
        Assert.False(await _a.ReleaseAsync("coordinator-a"));
        Assert.Equal("coordinator-b", await _a.ReadOwnerAsync());
    }
}
