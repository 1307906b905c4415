using KvCluster.Node.Snapshots;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Snapshots;

public sealed class SnapshotSchedulerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kvcluster-scheduler-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        File.Delete(_directory);
    }

    [Theory]
    [InlineData(100, 100, 0, false)]  // nothing new, however long ago
    [InlineData(150, 100, 0, false)]  // a few entries, recently
    [InlineData(200, 100, 0, true)]   // enough entries
    [InlineData(101, 100, 61, true)]  // long enough ago
    [InlineData(50, 100, 0, true)]    // the machine was replaced by one behind the snapshot
    public void The_policy_takes_the_first_of_count_and_time(long applied, long lastSnapshot, int secondsSince, bool due)
    {
        var policy = new SnapshotPolicy(EveryEntries: 100, EveryInterval: TimeSpan.FromMinutes(1));
        Assert.Equal(due, policy.IsDue(applied, lastSnapshot, TimeSpan.FromSeconds(secondsSince)));
    }

    [Fact]
    public async Task The_scheduler_snapshots_once_enough_entries_are_applied()
    {
        var machine = new KvStateMachine();
        var store = new SnapshotStore(_directory, new RecordingLogger<SnapshotStore>());
        using var scheduler = new SnapshotScheduler(store, new SnapshotPolicy(EveryEntries: 50, EveryInterval: TimeSpan.FromHours(1)),
            () => machine, new RecordingLogger<SnapshotScheduler>())
        {
            CheckInterval = TimeSpan.FromMilliseconds(20),
        };
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            // Applied one by one while it checks: a snapshot taken early (below 50 entries) would hold
            // LastSnapshotSeq there, since 50 would then not be 50 entries past it.
            for (int seq = 1; seq <= 50; seq++)
                machine.Apply(RandomStates.Put(seq, $"k{seq}", 5));
            await Eventually.TrueAsync(() => scheduler.LastSnapshotSeq == 50, TimeSpan.FromSeconds(10),
                () => $"last snapshot seq {scheduler.LastSnapshotSeq}");
            Assert.Equal(machine.ComputeDigest(), store.TryLoadLatest()!.Machine.ComputeDigest());
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failing_save_is_logged_and_retried_without_stopping_the_scheduler()
    {
        File.WriteAllText(_directory, "a file where the snapshot directory should be");
        var machine = new KvStateMachine();
        for (int seq = 1; seq <= 10; seq++)
            machine.Apply(RandomStates.Put(seq, $"k{seq}", 5));
        var logger = new RecordingLogger<SnapshotScheduler>();
        using var scheduler = new SnapshotScheduler(new SnapshotStore(_directory, new RecordingLogger<SnapshotStore>()),
            new SnapshotPolicy(EveryEntries: 5, EveryInterval: TimeSpan.FromHours(1)), () => machine, logger)
        {
            CheckInterval = TimeSpan.FromMilliseconds(20),
            RetryAfterFailure = TimeSpan.FromMilliseconds(100),
        };
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => logger.Errors.Any(), TimeSpan.FromSeconds(10), () => "no failure logged");
            Assert.Contains("Taking a snapshot failed", logger.Errors.First());

            File.Delete(_directory);
            await Eventually.TrueAsync(() => scheduler.LastSnapshotSeq == 10, TimeSpan.FromSeconds(10),
                () => $"last snapshot seq {scheduler.LastSnapshotSeq}");
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }
}
