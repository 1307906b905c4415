using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using KvCluster.Tests.Linearizability;
using Xunit.Abstractions;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// The checker is not a rubber stamp: with the read barrier switched off on purpose (Kv__UnsafeSkipReadBarrier,
/// a test-only flag), reads served right after a write acknowledged on another node are stale, and the checker says so;
/// the same probe against a correct cluster checks as linearizable.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BrokenReadBarrierTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, Verdict.Linearizable)]
    [InlineData(true, Verdict.NotLinearizable)]
    public async Task Checker_flags_stale_linearizable_reads_only_when_the_barrier_is_skipped(bool skipBarrier, Verdict expected)
    {
        var environment = skipBarrier ? new Dictionary<string, string> { ["Kv__UnsafeSkipReadBarrier"] = "true" } : null;
        await using var cluster = await TestCluster.StartAsync(output, nodes: 3, environment);

        var operations = await StaleReadProbe.RunAsync(cluster.NodeClients, writers: 3, roundsEach: 300);
        var result = LinearizabilityChecker.Check(KvModel.Instance, HistoryChecks.ToLinearizabilityHistory(operations), TimeSpan.FromSeconds(20));

        output.WriteLine(result.Describe());
        Assert.Equal(expected, result.Verdict);
        if (expected == Verdict.NotLinearizable) Assert.Contains("probe", result.Violations[0]);
    }
}
