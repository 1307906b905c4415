using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// Short randomized runs against three nodes in which every nemesis strikes: writes, transactions, lease expiries and
/// linearizable reads check as linearizable, session and local reads keep their promises, retried writes take effect
/// once. Nemeses share a run (taking turns) because a cluster start costs ~10 s of the suite; a killed coordinator
/// has a run of its own, since writes wait for it and little else completes meanwhile. No run without a nemesis:
/// CampaignTests' quiet stretches and BrokenReadBarrierTests' healthy cluster are that.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NemesisTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(12, 400, JepsenRun.KillNode, JepsenRun.RedisLink)]
    // Every write waits while the coordinator is down, and its restart took 3 to 12 s here (the longer on a busy machine).
    [InlineData(13, 100, JepsenRun.KillCoordinator)]
    [InlineData(14, 400, JepsenRun.PauseNode, JepsenRun.RestartRedis, JepsenRun.CoordinatorLink)]
    public async Task History_under_the_nemeses_has_no_anomalies(int seed, int minimumCompleted, params string[] nemeses)
    {
        var report = await JepsenRun.RunAsync(output, new JepsenRunOptions
        {
            Nemeses = nemeses,
            Workload = new WorkloadOptions { Seed = seed, Duration = TimeSpan.FromSeconds(12), EveryNemesisStrikes = true },
        });

        output.WriteLine(report.Summary());
        Assert.True(report.Anomalies.Count == 0, report.Summary());
        Assert.Equal(Linearizability.Verdict.Linearizable, report.Linearizability.Verdict);
        Assert.True(report.Completed >= minimumCompleted, $"only {report.Completed} operations completed:{Environment.NewLine}{report.Summary()}");
        Assert.All(nemeses, nemesis => Assert.Contains(report.Result.Faults, fault => fault.Nemesis == nemesis));
    }
}
