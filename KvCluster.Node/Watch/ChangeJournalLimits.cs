namespace KvCluster.Node.Watch;

/// <summary>How much the change journal keeps: at most <paramref name="MaxChanges"/> changes and <paramref name="MaxBytes"/> bytes.</summary>
public readonly record struct ChangeJournalLimits(int MaxChanges, long MaxBytes)
{
    public static readonly ChangeJournalLimits Default = new(10_000, 64L * 1024 * 1024);
}
