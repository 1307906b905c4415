namespace KvCluster.Tests.Linearizability;

public enum Verdict
{
    Linearizable,
    NotLinearizable,
    /// <summary>The search ran out of time before it could decide.</summary>
    Unknown,
}

/// <summary>The verdict over all partitions, with a readable account of each that failed.</summary>
public sealed record CheckResult(Verdict Verdict, IReadOnlyList<string> Violations, int Partitions, int TimedOutPartitions)
{
    public string Describe() =>
        Verdict switch
        {
            Verdict.Linearizable => $"linearizable ({Partitions} partitions)",
            Verdict.Unknown => $"unknown: {TimedOutPartitions} of {Partitions} partitions timed out",
            _ => $"NOT linearizable in {Violations.Count} of {Partitions} partitions:{Environment.NewLine}" +
                 string.Join(Environment.NewLine, Violations),
        };
}
