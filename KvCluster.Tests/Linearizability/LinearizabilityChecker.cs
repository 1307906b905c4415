using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KvCluster.Tests.Linearizability;

/// <summary>
/// Checks a history against a model, one partition at a time (Porcupine's CheckOperationsTimeout). A partition the
/// search cannot decide within the time limit makes the verdict Unknown unless another partition is a violation.
/// A violation is shrunk to a small sub-history that is still not linearizable (see <see cref="ViolationShrinker{TState, TInput, TOutput}"/>).
/// </summary>
public static class LinearizabilityChecker
{
    public static CheckResult Check<TState, TInput, TOutput>(Model<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> history, TimeSpan timeoutPerPartition, string timeUnit = "µs")
    {
        var violations = new List<string>();
        int partitions = 0, timedOut = 0;
        foreach (var partition in model.Partition(history))
        {
            partitions++;
            var search = new LinearizationSearch<TState, TInput, TOutput>(model, partition);
            switch (search.Run(timeoutPerPartition))
            {
                case null:
                    timedOut++;
                    break;
                case false:
                    var shrunk = ViolationShrinker<TState, TInput, TOutput>.Shrink(model, partition, timeoutPerPartition);
                    violations.Add(Describe(model, partition, shrunk, timeUnit));
                    break;
            }
        }
        var verdict = violations.Count > 0 ? Verdict.NotLinearizable : timedOut > 0 ? Verdict.Unknown : Verdict.Linearizable;
        return new CheckResult(verdict, violations, partitions, timedOut);
    }

    /// <summary>Whether one partition is linearizable; null if undecided within <paramref name="budget"/>.</summary>
    public static bool? IsLinearizable<TState, TInput, TOutput>(Model<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> partition, TimeSpan budget) =>
        new LinearizationSearch<TState, TInput, TOutput>(model, partition).Run(budget);

    private static string Describe<TState, TInput, TOutput>(Model<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> partition, IReadOnlyList<Operation<TInput, TOutput>> shrunk, string timeUnit)
    {
        var ordered = shrunk.OrderBy(operation => operation.Call).ToList();
        var search = new LinearizationSearch<TState, TInput, TOutput>(model, ordered);
        search.Run(TimeSpan.FromSeconds(5));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{model.DescribePartition(partition)}: these {ordered.Count} of its {partition.Count} operations are not linearizable together (times in {timeUnit}):");
        text.AppendLine("    #  client        call      return  operation");
        for (int i = 0; i < ordered.Count; i++)
        {
            var operation = ordered[i];
            string returned = operation.IsUnknown ? "never" : operation.Return.ToString(CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {i,3}  {operation.ClientId,6}  {operation.Call,10}  {returned,10}  {model.DescribeOperation(operation.Input, operation.Output, operation.IsUnknown)}");
        }
        string prefix = search.LongestLinearization.Count == 0 ? "(none)" : string.Join(", ", search.LongestLinearization.Select(i => "#" + i));
        text.Append(CultureInfo.InvariantCulture,
            $"  longest linearizable prefix: {prefix}; then state {string.Join(" or ", search.StatesAfterLongest.Select(model.DescribeState))}, and no remaining operation can come next.");
        return text.ToString();
    }
}
