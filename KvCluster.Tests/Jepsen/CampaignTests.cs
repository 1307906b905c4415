using System.Globalization;
using KvCluster.Tests.Integration;
using Xunit.Abstractions;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// A randomized campaign: the nemeses take turns against one cluster. In the normal suite it is a short run of all
/// of them; scripts/jepsen.sh makes it longer through the environment:
/// JEPSEN_SECONDS (default 15), JEPSEN_NEMESES (comma-separated, default all), JEPSEN_SEED (default 42),
/// JEPSEN_CLIENTS (default 6), JEPSEN_HISTORY_DIR (default: the temp directory).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Campaign_with_the_nemeses_taking_turns_finds_no_anomalies()
    {
        double seconds = Setting("JEPSEN_SECONDS", 15);
        var nemeses = Environment.GetEnvironmentVariable("JEPSEN_NEMESES") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : JepsenRun.AllNemeses;
        var report = await JepsenRun.RunAsync(output, new JepsenRunOptions
        {
            Nemeses = [.. nemeses],
            HistoryDirectory = Environment.GetEnvironmentVariable("JEPSEN_HISTORY_DIR") is { Length: > 0 } directory ? directory : null,
            Workload = new WorkloadOptions
            {
                Seed = (int)Setting("JEPSEN_SEED", 42),
                Clients = (int)Setting("JEPSEN_CLIENTS", 6),
                Duration = TimeSpan.FromSeconds(seconds),
                MaxOperations = int.MaxValue,
            },
            CheckTimeoutPerKey = TimeSpan.FromSeconds(Math.Max(30, seconds)),
        });

        // scripts/jepsen.sh picks this line out of the test output.
        Console.WriteLine(report.Summary());
        Assert.True(report.Anomalies.Count == 0, report.Summary());
        Assert.NotEmpty(report.Result.Faults);
        Assert.True(report.Completed >= 400, $"only {report.Completed} operations completed");
    }

    private static double Setting(string name, double fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
