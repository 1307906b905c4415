using KvCluster.Coordinator;
using KvCluster.Coordinator.Leases;
using KvCluster.Coordinator.Sequencing;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KvCluster.Tests.Leases;

/// <summary>
/// The lease scripts against a real redis-server (deadlines in Redis time), and the expirer over the real sequencer: an
/// expiry lands in the log once however many expirers race, and one that died between append and forget is finished.
/// Each test uses a key prefix of its own.
/// </summary>
public sealed class LeaseStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly LogKeys _keys = new("{lease-test-" + Guid.NewGuid().ToString("N")[..8] + "}:");

    private LeaseStore Store() => new(redis.Connection, _keys);

    [Fact]
    public async Task A_grant_lives_its_ttl_in_redis_under_the_key_prefix_and_an_id_cannot_be_granted_twice()
    {
        var store = Store();

        var grant = await store.GrantAsync("00000000000000a1", TimeSpan.FromSeconds(30));
        var again = await store.GrantAsync("00000000000000a1", TimeSpan.FromSeconds(5));
        var left = await store.TimeToLiveAsync("00000000000000a1");

        Assert.True(grant.Granted);
        Assert.Equal(30_000, grant.DeadlineUnixMs - grant.GrantedAtUnixMs);
        Assert.False(again.Granted);
        Assert.NotNull(left);
        Assert.Equal(TimeSpan.FromSeconds(30), left.Value.Ttl);
        Assert.InRange(left.Value.Remaining, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
        Assert.Equal(grant.GrantedAtUnixMs, left.Value.GrantedAtUnixMs);
        var db = redis.Connection.GetDatabase();
        Assert.Equal(grant.DeadlineUnixMs, (long)(await db.SortedSetScoreAsync(_keys.Leases, "00000000000000a1"))!.Value);
        Assert.StartsWith(_keys.Prefix, _keys.Leases);
        Assert.StartsWith(_keys.Prefix, _keys.LeaseTtls);
        Assert.Null(await store.TimeToLiveAsync("00000000000000ff"));
        Assert.Null(await store.KeepAliveAsync("00000000000000ff"));
    }

    [Fact]
    public async Task A_keep_alive_restores_the_full_ttl_and_after_the_deadline_it_is_refused_and_the_lease_is_listed_expired()
    {
        var store = Store();
        await store.GrantAsync("00000000000000a1", TimeSpan.FromMilliseconds(2000));
        Assert.True((await store.GrantAsync("00000000000000b2", TimeSpan.FromMinutes(5))).Granted);
        await Task.Delay(500);
        var before = (await store.TimeToLiveAsync("00000000000000a1"))!.Value.Remaining;

        Assert.Equal(TimeSpan.FromMilliseconds(2000), await store.KeepAliveAsync("00000000000000a1"));
        var after = (await store.TimeToLiveAsync("00000000000000a1"))!.Value.Remaining;
        Assert.True(after > before && after > TimeSpan.FromMilliseconds(1500), $"{before} left before the keep-alive, {after} after");

        ExpiredLease[] expired = [];
        await Eventually.TrueAsync(async () => (expired = [.. await store.ListExpiredAsync(10)]).Length > 0, Timeout, () => "nothing expired");
        Assert.Equal("00000000000000a1", Assert.Single(expired).Id);
        Assert.Null(await store.KeepAliveAsync("00000000000000a1"));
        Assert.Null(await store.TimeToLiveAsync("00000000000000a1"));
        Assert.NotNull(await store.TimeToLiveAsync("00000000000000b2"));
    }

    [Fact]
    public async Task Forget_drops_only_the_grant_it_names()
    {
        var store = Store();
        var grant = await store.GrantAsync("00000000000000a1", TimeSpan.FromMilliseconds(50));
        await Eventually.TrueAsync(async () => (await store.ListExpiredAsync(10)).Count == 1, Timeout, () => "not expired");

        Assert.Equal(grant.GrantedAtUnixMs, (await store.ListExpiredAsync(10))[0].GrantedAtUnixMs);
        Assert.False(await store.ForgetAsync("00000000000000a1", grant.GrantedAtUnixMs - 1));
        Assert.Single(await store.ListExpiredAsync(10));
        Assert.True(await store.ForgetAsync("00000000000000a1", grant.GrantedAtUnixMs));
        Assert.Empty(await store.ListExpiredAsync(10));
        Assert.True((await store.GrantAsync("00000000000000a1", TimeSpan.FromSeconds(5))).Granted);
    }

    [Fact]
    public async Task Two_expirers_racing_over_the_real_sequencer_append_one_revoke_and_forget_the_lease()
    {
        var log = new RedisReplicatedLog(redis.Connection, _keys);
        var store = Store();
        await using var first = await ExpirerHost.StartAsync(log, new LeaseStore(redis.Connection, _keys));
        await using var second = await ExpirerHost.StartAsync(log, new LeaseStore(redis.OtherConnection, _keys));
        await store.GrantAsync("00000000000000a1", TimeSpan.FromMilliseconds(50));
        await store.GrantAsync("00000000000000b2", TimeSpan.FromMilliseconds(50));
        await Eventually.TrueAsync(async () => (await store.ListExpiredAsync(10)).Count == 2, Timeout, () => "not expired");

        int[] done = await Task.WhenAll(first.Expirer.ExpireOnceAsync(CancellationToken.None), second.Expirer.ExpireOnceAsync(CancellationToken.None));

        Assert.Equal(4, done.Sum()); // each expirer saw both leases...
        var entries = await log.ReadAfterAsync(0, 100);
        Assert.Equal(2, entries.Count); // ...and each lease was revoked once
        Assert.All(entries, entry =>
        {
            Assert.Equal(LogOperation.LeaseRevoke, entry.Operation);
            Assert.Equal("expired", System.Text.Encoding.ASCII.GetString(entry.Value.Span));
            Assert.StartsWith(" lease-expired ", entry.IdempotencyKey);
        });
        Assert.Equal(["00000000000000a1", "00000000000000b2"], entries.Select(e => e.Key).Order());
        Assert.Empty(await store.ListExpiredAsync(10));
    }

    [Fact]
    public async Task An_expirer_that_died_between_append_and_forget_is_finished_by_the_next_without_a_second_revoke()
    {
        var log = new RedisReplicatedLog(redis.Connection, _keys);
        var store = Store();
        var grant = await store.GrantAsync("00000000000000a1", TimeSpan.FromMilliseconds(50));
        await Eventually.TrueAsync(async () => (await store.ListExpiredAsync(10)).Count == 1, Timeout, () => "not expired");
        // What the dead expirer got done: the revoke is in the log, the lease still in Redis.
        await log.AppendAsync([[new AppendCommand
        {
            Operation = LogOperation.LeaseRevoke,
            Key = "00000000000000a1",
            Value = "expired"u8.ToArray(),
            IdempotencyKey = LeaseEntryFormat.ExpiryIdempotencyKey("00000000000000a1", grant.GrantedAtUnixMs),
            RequestId = "dead-expirer-1",
        }]]);

        await using var next = await ExpirerHost.StartAsync(log, store);
        Assert.Equal(1, await next.Expirer.ExpireOnceAsync(CancellationToken.None));

        Assert.Single(await log.ReadAfterAsync(0, 100));
        Assert.Empty(await store.ListExpiredAsync(10));
    }

    [Fact]
    public async Task A_lease_granted_again_under_an_expired_id_expires_again()
    {
        var log = new RedisReplicatedLog(redis.Connection, _keys);
        var store = Store();
        await using var host = await ExpirerHost.StartAsync(log, store);
        for (int round = 1; round <= 2; round++)
        {
            Assert.True((await store.GrantAsync("00000000000000a1", TimeSpan.FromMilliseconds(50))).Granted);
            await Eventually.TrueAsync(async () => (await store.ListExpiredAsync(10)).Count == 1, Timeout, () => "not expired");
            await Eventually.TrueAsync(async () => await host.Expirer.ExpireOnceAsync(CancellationToken.None) == 1, Timeout, () => "not revoked");
            Assert.Equal(round, (await log.ReadAfterAsync(0, 100)).Count);
        }
    }

    /// <summary>An expirer over its own started <see cref="AppendBatcher"/>, as a coordinator runs them (the expirer's loop is not started).</summary>
    private sealed class ExpirerHost : IAsyncDisposable
    {
        private readonly AppendBatcher _batcher;

        private ExpirerHost(AppendBatcher batcher, LeaseExpirer expirer)
        {
            _batcher = batcher;
            Expirer = expirer;
        }

        public LeaseExpirer Expirer { get; }

        public static async Task<ExpirerHost> StartAsync(KvCluster.Log.IReplicatedLog log, LeaseStore store)
        {
            var batcher = new AppendBatcher(log, Options.Create(new CoordinatorOptions()), NullLogger<AppendBatcher>.Instance);
            await batcher.StartAsync(CancellationToken.None);
            return new ExpirerHost(batcher, new LeaseExpirer(store, batcher, Options.Create(new LeaseExpiryOptions()), NullLogger<LeaseExpirer>.Instance));
        }

        public async ValueTask DisposeAsync()
        {
            await _batcher.StopAsync(CancellationToken.None);
            _batcher.Dispose();
        }
    }
}
