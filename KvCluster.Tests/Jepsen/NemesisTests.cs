using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// A short randomized run under each nemesis against three nodes: writes, transactions, lease expiries and
/// linearizable reads check as linearizable, session and local reads keep their promises, retried writes take effect
/// once. No run without a nemesis: CampaignTests' quiet stretches and BrokenReadBarrierTests' healthy cluster are that.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NemesisTests(ITestOutputHelper output)
{
    private const int MinimumCompleted = 400;

    [Theory]
    [InlineData(JepsenRun.KillNode, 12)]
    [InlineData(JepsenRun.KillCoordinator, 13)]
    [InlineData(JepsenRun.PauseNode, 14)]
    [InlineData(JepsenRun.RestartRedis, 15)]
    [InlineData(JepsenRun.RedisLink, 16)]
    [InlineData(JepsenRun.CoordinatorLink, 17)]
    public async Task History_under_the_nemesis_has_no_anomalies(string nemesis, int seed)
    {
        var report = await JepsenRun.RunAsync(output, new JepsenRunOptions
        {
            Nemeses = [nemesis],
            Workload = new WorkloadOptions { Seed = seed, Duration = TimeSpan.FromSeconds(12) },
        });

        output.WriteLine(report.Summary());
        Assert.True(report.Anomalies.Count == 0, report.Summary());
        Assert.Equal(Linearizability.Verdict.Linearizable, report.Linearizability.Verdict);
        Assert.True(report.Completed >= MinimumCompleted, $"only {report.Completed} operations completed:{Environment.NewLine}{report.Summary()}");
        Assert.NotEmpty(report.Result.Faults);
    }
}
