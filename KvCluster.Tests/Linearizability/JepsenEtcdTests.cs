using Xunit.Abstractions;

namespace KvCluster.Tests.Linearizability;

/// <summary>The checker agrees with every verdict on Jepsen's etcd histories (shared/testdata/jepsen-etcd/verdicts.tsv).</summary>
public sealed class JepsenEtcdTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string, bool> Verdicts()
    {
        var data = new TheoryData<string, bool>();
        foreach (string line in File.ReadLines(Path.Combine(TestData.Directory("jepsen-etcd"), "verdicts.tsv")).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var fields = line.Split('\t');
            data.Add(fields[0], bool.Parse(fields[1]));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Checker_agrees_with_the_recorded_verdict(string file, bool linearizable)
    {
        var history = JepsenLog.Parse(File.ReadLines(Path.Combine(TestData.Directory("jepsen-etcd"), file)));

        var result = LinearizabilityChecker.Check(RegisterModel.Instance, history, TimeLimit, timeUnit: "log lines");
        output.WriteLine(result.Describe());

        Assert.Equal(linearizable ? Verdict.Linearizable : Verdict.NotLinearizable, result.Verdict);
        if (!linearizable) Assert.Contains("not linearizable together", result.Violations[0]);
    }

    [Fact]
    public void Every_history_file_has_a_verdict()
    {
        string directory = TestData.Directory("jepsen-etcd");
        var listed = Verdicts().Select(row => (string)row[0]).ToHashSet();
        var files = System.IO.Directory.GetFiles(directory, "*.log").Select(Path.GetFileName).ToArray();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Contains(file!, listed));
    }
}
